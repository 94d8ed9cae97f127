package dev.cordon.isolation.internal.process;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.invoke.VarHandle;

/**
 * Offsets of native/include/cordon/channel.h, which pins them with static
 * asserts. Change both together.
 */
final class ChannelLayout {
    static final long MAGIC = 0x31304e4f44524f43L; // "CORDON01"
    static final int VERSION = 1;
    static final long PAGE = 4096;
    static final int MAX_SLOTS = 64;
    static final long SLOT_HEAD = 256;
    static final int ERROR_LEN = 256;
    static final int MAX_FUNCTIONS = 256;

    // struct cordon_channel_header
    static final long H_MAGIC = 0;
    static final long H_VERSION = 8;
    static final long H_NSLOTS = 12;
    static final long H_SLOT_STRIDE = 16;
    static final long H_SLOTS_OFFSET = 24;
    static final long H_IMAGE_OFFSET = 32;
    static final long H_IMAGE_SIZE = 40;
    static final long H_HEAP_SIZE = 48;
    static final long H_HOST_STATE = 56;
    static final long H_HOST_PID = 60;
    static final long H_FAULT_SIGNAL = 64;
    static final long H_FAULT_CODE = 68;
    static final long H_FAULT_ADDRESS = 72;
    static final long H_FAULT_IP = 80;
    static final long H_ERROR = 88;

    // struct cordon_slot
    static final long S_STATE = 0;
    static final long S_HOST_WAITING = 4;
    static final long S_CALLER_WAITING = 8;
    static final long S_OP = 12;
    static final long S_FN = 16;
    static final long S_PTR_MASK = 20;
    static final long S_ARGS = 24;
    static final long S_RESULT = 72;
    static final long S_STATUS = 80;
    static final long S_ARENA_SIZE = 88;

    static final int HOST_STARTING = 0;
    static final int HOST_READY = 1;
    static final int HOST_FAILED = 2;

    static final int SLOT_IDLE = 0;
    static final int SLOT_REQUEST = 1;
    static final int SLOT_DONE = 2;
    static final int SLOT_DEAD = 3;

    static final int OP_CALL = 1;
    static final int OP_RESOLVE = 2;

    static final int STATUS_OK = 0;
    static final int STATUS_NO_SYMBOL = 4;

    /** Volatile (sequentially consistent) access to the futex words. */
    static final VarHandle INT = JAVA_INT.varHandle();
    static final VarHandle LONG = JAVA_LONG.varHandle();

    private ChannelLayout() {
    }

    static long pageAlign(long n) {
        return (n + PAGE - 1) & -PAGE;
    }

    static String statusName(int status) {
        return switch (status) {
            case 1 -> "bad operation";
            case 2 -> "bad function index";
            case 3 -> "argument outside the argument area";
            case 4 -> "no such symbol";
            case 5 -> "function table full";
            default -> "status " + status;
        };
    }
}
