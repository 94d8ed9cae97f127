/*
 * The domain image ABI that cordon-cc, the domain runtime and the loader
 * share (native/CONFINEMENT.md). Only #defines: the runtime's assembly
 * includes this file, and cordon-cc reads the values with sed, so each
 * value is one plain number on its own #define line.
 */
#ifndef CORDON_IMAGE_ABI_H
#define CORDON_IMAGE_ABI_H

/* The ELF note every cordon-cc image carries, in section .note.cordon:
 * name "Cordon", type NT_CORDON_ABI, descriptor two little-endian u32:
 * the ABI version, then the flags. */
#define CORDON_NOTE_NAME        "Cordon"
#define CORDON_NOTE_SECTION     ".note.cordon"
#define NT_CORDON_ABI           1
#define CORDON_IMAGE_ABI_VERSION 1

/* flag: built with the checked-thunk scheme of CONFINEMENT.md */
#define CORDON_ABI_CONFINED     0x1

/* __cordon_table, written by the loader and then read-only:
 * the span length, the exit slots, the target bitmap (bit i: offset i of
 * the executable span is a permitted target) */
#define CORDON_TABLE_SPAN       0
#define CORDON_TABLE_EXITS      8
#define CORDON_TABLE_NEXITS     8
#define CORDON_TABLE_BITMAP     128

#define CORDON_TABLE_SYMBOL     "__cordon_table"
#define CORDON_BAD_TARGET_SYMBOL "__cordon_bad_target"

#endif
