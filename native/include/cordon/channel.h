/*
 * The call channel between the JVM and cordon-host (the `process` backend).
 *
 * One memfd, mapped MAP_SHARED by both processes:
 *
 *   offset 0                       struct cordon_channel_header (one page)
 *   header.image_offset            the domain image bytes, written by the JVM
 *   header.slots_offset + i*stride struct cordon_slot, then its argument arena
 *
 * The JVM writes the header fields marked "jvm", the host those marked
 * "host". Everything the host writes is untrusted by the JVM and checked
 * there; everything the JVM writes is checked by the host before use.
 *
 * The JVM may start the host before it fills the header: it writes
 * `version` last (release) and FUTEX_WAKEs it; the host waits for a
 * non-zero version before it reads anything else.
 *
 * The Java side (isolation-runtime, ChannelLayout.java) hard-codes these
 * offsets; the static_asserts below pin them so the two cannot drift.
 */
#ifndef CORDON_CHANNEL_H
#define CORDON_CHANNEL_H

#include <stdint.h>

#define CORDON_CHANNEL_MAGIC   0x31304e4f44524f43ULL /* "CORDON01" */
#define CORDON_CHANNEL_VERSION 1
#define CORDON_MAX_SLOTS       64
#define CORDON_MAX_ARGS        6
#define CORDON_MAX_FUNCTIONS   256
#define CORDON_SLOT_HEAD       256  /* arena starts this far into a slot */
#define CORDON_ERROR_LEN       256
#define CORDON_HOST_FD         3    /* the channel's fd number in the host */

enum cordon_host_state {
	CORDON_HOST_STARTING = 0,
	CORDON_HOST_READY    = 1, /* image loaded, sandbox on, workers up */
	CORDON_HOST_FAILED   = 2, /* error[] says why; the host then exits */
};
/*
 * Also after READY: on a fault the host writes fault_code, fault_address,
 * fault_ip and error[], then fault_signal (last), sets host_state = FAILED,
 * wakes host_state and every slot's state, and exits with 128 + signal.
 */

enum cordon_slot_state {
	CORDON_SLOT_IDLE    = 0,
	CORDON_SLOT_REQUEST = 1, /* jvm -> host: op/fn/args are valid */
	CORDON_SLOT_DONE    = 2, /* host -> jvm: result/status are valid */
	CORDON_SLOT_DEAD    = 3, /* written by the jvm when the host died */
};
/*
 * A host worker sleeps on `state` in any value but REQUEST and DEAD, and
 * exits (status 0) when it sees DEAD.
 */

enum cordon_op {
	CORDON_OP_CALL    = 1, /* call function `fn` with args[] */
	CORDON_OP_RESOLVE = 2, /* arena holds a NUL-terminated symbol name;
				  result = function index for OP_CALL */
};

/* slot.status: how the host itself judged the request */
enum cordon_status {
	CORDON_STATUS_OK       = 0, /* result is the function's return value */
	CORDON_STATUS_BAD_OP   = 1,
	CORDON_STATUS_BAD_FN   = 2, /* fn index out of range */
	CORDON_STATUS_BAD_ARG  = 3, /* an arena offset outside the arena */
	CORDON_STATUS_NO_SYMBOL = 4,
	CORDON_STATUS_TOO_MANY = 5, /* function table full */
};

struct cordon_channel_header {
	uint64_t magic;                /* jvm */
	uint32_t version;              /* jvm */
	uint32_t nslots;               /* jvm, 1..CORDON_MAX_SLOTS */
	uint64_t slot_stride;          /* jvm, bytes per slot, page multiple */
	uint64_t slots_offset;         /* jvm, page aligned */
	uint64_t image_offset;         /* jvm */
	uint64_t image_size;           /* jvm */
	uint64_t heap_size;            /* jvm, the domain allocator's heap */
	uint32_t host_state;           /* host, futex word (enum above) */
	uint32_t host_pid;             /* host */
	int32_t  fault_signal;         /* host, set by its fault handler */
	int32_t  fault_code;           /* host, si_code */
	uint64_t fault_address;        /* host, si_addr */
	uint64_t fault_ip;             /* host, RIP at the fault */
	char     error[CORDON_ERROR_LEN]; /* host, NUL-terminated */
};

struct cordon_slot {
	uint32_t state;                /* futex word (enum cordon_slot_state) */
	uint32_t host_waiting;         /* host is in, or entering, FUTEX_WAIT */
	uint32_t caller_waiting;       /* jvm is in, or entering, FUTEX_WAIT */
	uint32_t op;                   /* jvm */
	uint32_t fn;                   /* jvm */
	uint32_t ptr_mask;             /* jvm: bit i => args[i] is an arena
					  offset the host turns into a pointer */
	int64_t  args[CORDON_MAX_ARGS];/* jvm */
	int64_t  result;               /* host */
	int32_t  status;               /* host (enum cordon_status) */
	uint32_t returns;              /* host: JNI_CALL's write-backs at DONE
					  (cordon/jni_channel.h); else 0 */
	uint64_t arena_size;           /* jvm: stride - CORDON_SLOT_HEAD; the
					  host uses the smaller of this and
					  its own stride - CORDON_SLOT_HEAD */
};

_Static_assert(sizeof(struct cordon_channel_header) <= 4096, "header fits a page");
_Static_assert(__builtin_offsetof(struct cordon_channel_header, host_state) == 56, "abi");
_Static_assert(__builtin_offsetof(struct cordon_channel_header, fault_signal) == 64, "abi");
_Static_assert(__builtin_offsetof(struct cordon_channel_header, fault_address) == 72, "abi");
_Static_assert(__builtin_offsetof(struct cordon_channel_header, error) == 88, "abi");
_Static_assert(__builtin_offsetof(struct cordon_slot, args) == 24, "abi");
_Static_assert(__builtin_offsetof(struct cordon_slot, result) == 72, "abi");
_Static_assert(__builtin_offsetof(struct cordon_slot, status) == 80, "abi");
_Static_assert(__builtin_offsetof(struct cordon_slot, arena_size) == 88, "abi");
_Static_assert(sizeof(struct cordon_slot) <= CORDON_SLOT_HEAD, "slot head");

#endif
