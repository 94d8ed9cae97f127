/* The domain side of a signal (signals_domain.c), for signals.c. */
#ifndef CORDON_GATE_SIGNALS_DOMAIN_H
#define CORDON_GATE_SIGNALS_DOMAIN_H

#include <signal.h>
#include <stdint.h>
#include <ucontext.h>

#include "gate.h"

/* what gate.S's front saw of the interrupted context */
struct gate_front {
	uint64_t fs, gs, side;
};

#define GATE_SIDE_TRUSTED 0
#define GATE_SIDE_DOMAIN  1 /* the context is the domain's: in uc */
#define GATE_SIDE_RESUME  2 /* inside gate_resume: the context is in the slots */

int gate_on_domain_side(struct gate_record *r, ucontext_t *uc, const struct gate_front *st);

/* Handle a signal that interrupted the domain side; returns the front's
 * answer (1: return into the abort stub) or does not return (resumes the
 * domain). verdict: -1 if not our deadline signal, else its verdict. */
int gate_domain_signal(struct gate_record *r, int sig, siginfo_t *si, ucontext_t *uc,
		       const struct gate_front *st, int saved_errno, int unmask,
		       int verdict);

void gate_chain(int sig, siginfo_t *si, ucontext_t *uc);

#endif
