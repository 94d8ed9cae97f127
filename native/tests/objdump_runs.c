/* Reads objdump -d's output into runs of contiguous instructions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "objdump_runs.h"

struct runs {
	char object[256], section[64];
	uint8_t *bytes;
	struct od_insn *insns;
	size_t len, cap, n, icap;
	uint64_t addr;
	od_run_fn fn;
	void *ctx;
};

static void flush(struct runs *r)
{
	struct od_run run = { r->object, r->section, r->addr, r->bytes, r->len, r->insns, r->n };

	if (r->n)
		r->fn(&run, r->ctx);
	r->len = r->n = 0;
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	void *q;

	if (need <= *cap)
		return 0;
	q = realloc(*p, (need * 2) * size);
	if (!q)
		return -1;
	*p = q;
	*cap = need * 2;
	return 0;
}

/* objdump prints a line of prefixes alone ("data16 rex.W") where they
 * lead to no instruction it decodes: that is no instruction either */
static int prefixes_only(const char *text)
{
	static const char *const names[] = {
		"data16", "data32", "addr16", "addr32", "lock", "rep", "repz", "repnz",
		"cs", "ds", "es", "ss", "fs", "gs", "bnd", "notrack", "xacquire", "xrelease",
	};
	char word[32];
	size_t i, n;
	int found;

	while (*text == ' ')
		text++;
	if (!*text)
		return 0;
	while (*text) {
		n = strcspn(text, " ");
		snprintf(word, sizeof(word), "%.*s", (int)n, text);
		found = !strcmp(word, "rex") || !strncmp(word, "rex.", 4);
		for (i = 0; i < sizeof(names) / sizeof(names[0]) && !found; i++)
			found = !strcmp(word, names[i]);
		if (!found)
			return 0;
		text += n;
		while (*text == ' ')
			text++;
	}
	return 1;
}

/* "  addr:\tbytes \ttext": one instruction; 0 if the line is not one */
static int parse_insn(struct runs *r, char *line)
{
	unsigned long long addr;
	char *p, *tab, *text;
	struct od_insn *in;
	unsigned v;
	int used = -1;

	if (sscanf(line, " %llx:%n", &addr, &used) != 1 || used < 0 || line[used] != '\t')
		return 0;
	p = line + used + 1;
	tab = strchr(p, '\t');
	text = tab ? tab + 1 : (char *)"";
	if (tab)
		*tab = 0;
	if (r->n && addr != r->addr + r->len)
		flush(r);
	if (!r->n)
		r->addr = addr;
	if (grow((void **)&r->insns, &r->icap, r->n + 1, sizeof(*r->insns)))
		return -1;
	in = &r->insns[r->n++];
	in->off = r->len;
	in->len = 0;
	while (sscanf(p, "%2x%n", &v, &used) == 1) {
		if (grow((void **)&r->bytes, &r->cap, r->len + 1, 1))
			return -1;
		r->bytes[r->len++] = (uint8_t)v;
		in->len++;
		p += used;
		while (*p == ' ')
			p++;
	}
	text[strcspn(text, "\n")] = 0;
	snprintf(in->text, sizeof(in->text), "%s", text);
	in->bad = strstr(text, "(bad)") || !strncmp(text, ".byte", 5) || !in->len ||
		  prefixes_only(text);
	return 1;
}

static void header(struct runs *r, const char *line)
{
	const char *s;
	size_t n;

	if (!strncmp(line, "Disassembly of section ", 23)) {
		flush(r);
		n = strcspn(line + 23, ":\n");
		snprintf(r->section, sizeof(r->section), "%.*s", (int)n, line + 23);
	} else if ((s = strstr(line, ":     file format "))) {
		flush(r);
		snprintf(r->object, sizeof(r->object), "%.*s", (int)(s - line), line);
	}
}

int od_each_run(const char *path, od_run_fn fn, void *ctx)
{
	struct runs r = { .fn = fn, .ctx = ctx };
	char cmd[1024], line[1024];
	FILE *f;
	int rc = 0;

	/* -z: zeros too; --insn-width: one line per instruction */
	snprintf(cmd, sizeof(cmd), "objdump -d -z --insn-width=16 '%s' 2>&1", path);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		int k = parse_insn(&r, line);

		if (k < 0) {
			rc = -1;
			break;
		}
		if (!k)
			header(&r, line);
	}
	flush(&r);
	if (pclose(f) != 0)
		rc = -1;
	free(r.bytes);
	free(r.insns);
	return rc;
}
