/* Internal to the domain runtime. */
#ifndef CORDON_RT_RUNTIME_H
#define CORDON_RT_RUNTIME_H

void runtime_set_errno_location(int *(*f)(void));
/* auxv.c: musl's libc.auxv, which no startup code set */
void runtime_fix_auxv(void);

#endif
