/*
 * Inspection of a domain's executable bytes: a domain must not be able to
 * change its own PKRU, so its code may hold no instruction that writes it.
 */
#ifndef CORDON_INSPECT_H
#define CORDON_INSPECT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Scan code[0..len) at every byte offset, not only at instruction
 * boundaries: x86 decodes from any address a jump can reach, so a WRPKRU
 * hidden inside another instruction's immediate is as good as a real one.
 * Refused: WRPKRU (0f 01 ef) and XRSTOR (0f ae /5, memory form), which can
 * load PKRU from memory. Pass one whole contiguous executable span, so a
 * sequence crossing the boundary of two adjacent executable ranges is seen.
 * Never reads outside code[0..len).
 *
 * Returns 0 if clean. Else -1, *offset = where the sequence starts and
 * *what = its name, e.g. "WRPKRU (0f 01 ef)" (offset and what may be NULL).
 */
int cordon_inspect_code(const uint8_t *code, size_t len, size_t *offset,
			const char **what);

/*
 * The same for code that runs in the JVM's own process behind the mpk
 * gate, in the same one pass: also refused is WRGSBASE (f3 [rex] 0f ae /3,
 * register form, "WRGSBASE (0f ae /3)"), which could point %gs, which the
 * gate trusts to be the thread's switch page, at a fake one.
 */
int cordon_inspect_code_mpk(const uint8_t *code, size_t len, size_t *offset,
			    const char **what);

#endif
