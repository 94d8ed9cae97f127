package dev.cordon.isolation.internal.process;

/** Names of the signals a faulting domain may die of. */
final class Signals {
    private Signals() {
    }

    static String name(int signal) {
        return switch (signal) {
            case 4 -> "SIGILL";
            case 6 -> "SIGABRT";
            case 7 -> "SIGBUS";
            case 8 -> "SIGFPE";
            case 9 -> "SIGKILL";
            case 11 -> "SIGSEGV";
            case 24 -> "SIGXCPU";
            case 31 -> "SIGSYS";
            default -> "signal " + signal;
        };
    }
}
