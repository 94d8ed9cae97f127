package dev.cordon.itest;

/** The zlib suite on the process backend: the bundle as built, picked by auto. */
class ZlibOnProcessTest extends ZlibSuite {
    @Override
    String backend() {
        return "process";
    }
}
