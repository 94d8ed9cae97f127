/*
 * Test-only: the permitted targets of a confined image, taken from
 * binutils' objdump, so that the tests can run confined images before the
 * loader's own verifier exists. Never linked into the loader.
 */
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "targets.h"

#define CHECK_INNER 7 /* instructions of a CHECK after its first */

/* p_vaddr of the executable PT_LOAD of the ELF file, or -1 */
static long long text_vaddr(const char *path)
{
	FILE *f = fopen(path, "rb");
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	long long v = -1;
	unsigned i;

	if (!f)
		return -1;
	if (fread(&eh, sizeof(eh), 1, f) == 1)
		for (i = 0; i < eh.e_phnum; i++) {
			if (fseek(f, (long)(eh.e_phoff + i * sizeof(ph)), SEEK_SET) ||
			    fread(&ph, sizeof(ph), 1, f) != 1)
				break;
			if (ph.p_type == PT_LOAD && (ph.p_flags & PF_X))
				v = (long long)ph.p_vaddr;
		}
	fclose(f);
	return v;
}

/* "lea ...(%rip),%r10" then "sub %r10,%r11": the start of a CHECK */
static int check_starts(const char *insn, const char *next)
{
	return !strncmp(insn, "lea ", 4) && strstr(insn, "(%rip),%r10") &&
	       !strncmp(next, "sub ", 4) && strstr(next, "%r10,%r11");
}

/* one instruction line of objdump -dw --no-show-raw-insn: address, text */
static int parse_line(const char *line, unsigned long long *addr, char *insn, size_t n)
{
	char *end;
	const char *tab;

	*addr = strtoull(line, &end, 16);
	if (end == line || *end != ':' || !(tab = strchr(end, '\t')))
		return 0;
	snprintf(insn, n, "%s", tab + 1);
	insn[strcspn(insn, "\n")] = 0;
	/* objdump pads the mnemonic: squeeze runs of spaces to one */
	for (char *p = insn; *p; p++)
		while (p[0] == ' ' && p[1] == ' ')
			memmove(p, p + 1, strlen(p));
	return 1;
}

int objdump_targets(void *ctx, const unsigned char *code, size_t span,
		    unsigned char *bitmap)
{
	const char *path = ctx;
	long long text = text_vaddr(path);
	char cmd[1024], line[512], insn[2][256];
	unsigned long long addr[2];
	int have = 0, skip = 0, marked = 0;
	FILE *p;

	(void)code;
	if (text < 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "objdump -dw --no-show-raw-insn '%s' 2>/dev/null", path);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	/* one line of look-ahead: a CHECK is known by its first two */
	for (;;) {
		int more = fgets(line, sizeof(line), p) != NULL;

		if (more && !parse_line(line, &addr[1], insn[1], sizeof(insn[1])))
			continue;
		if (have) {
			unsigned long long off = addr[0] - (unsigned long long)text;

			if (skip)
				skip--;
			else if (off < span)
				bitmap[off / 8] |= (unsigned char)(1u << (off % 8)), marked++;
			if (more && check_starts(insn[0], insn[1]))
				skip = CHECK_INNER;
		}
		if (!more)
			break;
		addr[0] = addr[1];
		memcpy(insn[0], insn[1], sizeof(insn[0]));
		have = 1;
	}
	return pclose(p) == 0 && marked > 0 ? 0 : -1;
}
