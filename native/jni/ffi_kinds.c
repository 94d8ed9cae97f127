#include "jni/ffi_kinds.h"

ffi_type *cordon_jni_ffi_type(char kind)
{
	switch (kind) {
	case 'Z': return &ffi_type_uint8;
	case 'B': return &ffi_type_sint8;
	case 'C': return &ffi_type_uint16;
	case 'S': return &ffi_type_sint16;
	case 'I': return &ffi_type_sint32;
	case 'J': return &ffi_type_sint64;
	case 'F': return &ffi_type_float;
	case 'D': return &ffi_type_double;
	case 'V': return &ffi_type_void;
	default: return &ffi_type_pointer; /* objects: handles, a word */
	}
}
