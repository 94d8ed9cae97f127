# libFuzzer targets of the loader, the code inspector and the verifier
# (tests/fuzz/), included by the Makefile. clang with
# -fsanitize=fuzzer,address,undefined; the verifier's reference is binutils'
# libopcodes (ensure-binutils-dev).
#
#   make fuzz-short              FUZZ_RUNS runs of each from the seeds (fails on a crash)
#   make fuzz FUZZ_SECONDS=N     N seconds of each, growing target/fuzz/corpus/
#
# Seeds: tests/fuzz/corpus/<target>/ (committed, small) and, for the loader,
# the test images target/test/images/*.so and the hand-made confined ones
# (target/test/loader_confined, built); for the verifier, spans
# cut from tests/verify/'s cases. A crashing input is kept
# in target/fuzz/crashes/.

FUZZ_CC      := clang
FUZZ         := $(T)/fuzz
FUZZ_RUNS    := 20000
FUZZ_SECONDS := 600
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS  := $(CSTD) $(WARN) $(DEPS) $(INC) -g -O1 $(FUZZ_SAN) -fsanitize=fuzzer-no-link
# the loader's mappings go through fuzz_loader.c's accounting
FUZZ_WRAP    := -Dmmap=fuzz_mmap -Dmunmap=fuzz_munmap -Dmprotect=fuzz_mprotect

FUZZ_LOADER_OBJ := $(patsubst %.c,$(FUZZ)/obj/wrapped/%.o,$(LOADER_SRC)) \
	$(patsubst %.c,$(FUZZ)/obj/%.o,$(VERIFY_SRC)) \
	$(FUZZ)/obj/mpk/inspect.o $(FUZZ)/obj/tests/fuzz/fuzz_loader.o
FUZZ_INSPECT_OBJ := $(FUZZ)/obj/mpk/inspect.o $(FUZZ)/obj/tests/fuzz/fuzz_inspect.o
FUZZ_VERIFY_OBJ := $(patsubst %.c,$(FUZZ)/obj/%.o,$(VERIFY_SRC)) $(FUZZ)/obj/tests/fuzz/fuzz_verify.o
FUZZ_BINS := $(FUZZ)/fuzz_loader $(FUZZ)/fuzz_inspect $(FUZZ)/fuzz_verify
# the reference disassembler and what it needs
OPCODES_LIBS := -lopcodes -lbfd -lsframe -lz

.PHONY: fuzz fuzz-short fuzz-bins fuzz-clang fuzz-opcodes
fuzz-clang:
	@tests/fuzz/ensure-clang $(FUZZ_CC)

fuzz-opcodes:
	@tests/fuzz/ensure-binutils-dev

$(FUZZ)/obj/tests/fuzz/fuzz_verify.o: | fuzz-opcodes

$(FUZZ)/obj/wrapped/%.o: %.c Makefile tests/fuzz/fuzz.mk | fuzz-clang
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_WRAP) -c $< -o $@

$(FUZZ)/obj/%.o: %.c Makefile tests/fuzz/fuzz.mk | fuzz-clang
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ)/fuzz_loader: $(FUZZ_LOADER_OBJ)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^

$(FUZZ)/fuzz_inspect: $(FUZZ_INSPECT_OBJ)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^

$(FUZZ)/fuzz_verify: $(FUZZ_VERIFY_OBJ) | fuzz-opcodes
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(OPCODES_LIBS)

fuzz-bins: $(FUZZ_BINS)

# each target runs even if the one before failed; the make fails if any did
define fuzz_each
	@rc=0; \
	tests/fuzz/run $(1) $(2) loader $(FUZZ)/fuzz_loader tests/fuzz/corpus/loader $(TST)/images \
		$(LCONF) || rc=1; \
	tests/fuzz/run $(1) $(2) inspect $(FUZZ)/fuzz_inspect tests/fuzz/corpus/inspect || rc=1; \
	tests/fuzz/run $(1) $(2) verify $(FUZZ)/fuzz_verify tests/fuzz/corpus/verify || rc=1; \
	exit $$rc
endef

fuzz-short: $(FUZZ_BINS) $(IMAGES) $(LCONF_IMAGES)
	$(call fuzz_each,short,$(FUZZ_RUNS))

fuzz: $(FUZZ_BINS) $(IMAGES) $(LCONF_IMAGES)
	$(call fuzz_each,long,$(FUZZ_SECONDS))
