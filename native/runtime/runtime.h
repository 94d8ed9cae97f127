/* Internal to the domain runtime. */
#ifndef CORDON_RT_RUNTIME_H
#define CORDON_RT_RUNTIME_H

void runtime_set_errno_location(int *(*f)(void));

#endif
