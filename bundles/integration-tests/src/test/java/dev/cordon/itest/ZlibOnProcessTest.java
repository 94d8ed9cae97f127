package dev.cordon.itest;

import java.util.Map;

/**
 * The zlib suite on the process backend: the bundle as built (auto), on a
 * runtime whose administrator allows only process (and inprocess), so that
 * auto picks process on a PKU machine too.
 */
class ZlibOnProcessTest extends ZlibSuite {
    @Override
    String backend() {
        return "process";
    }

    @Override
    Map<String, String> frameworkProperties() {
        return Map.of("dev.cordon.backends", "process,inprocess");
    }
}
