# confine-asm.awk: rewrites musl's hand-written x86-64 assembly (AT&T
# syntax, one instruction a line) into the checked-thunk scheme of
# native/CONFINEMENT.md, as gcc does for C with the flags in
# cc/confine-flags:
#
#   ret              ->  jmp __x86_return_thunk
#   jmp  *%REG       ->  jmp  __x86_indirect_thunk_REG
#   call *%REG       ->  call __x86_indirect_thunk_REG
#   jmp  *MEM        ->  mov MEM,%r11; jmp  __x86_indirect_thunk_r11
#   call *MEM        ->  mov MEM,%r11; call __x86_indirect_thunk_r11
#   hlt              ->  ud2   (privileged: the verifier refuses it; both fault)
#
# The thunks clobber %r10, %r11 and the flags, which are scratch at every
# call and return of the SysV ABI; %r11 is loaded before a call, after
# every operand of MEM was read. A line with a label keeps it. Anything the
# rewrite does not know is left alone and caught by check-confined.
{
	line = $0
	label = ""
	# leading labels, "1:" or "name:" (not inside a comment)
	while (match(line, /^[ \t]*[A-Za-z0-9_.$]+:/)) {
		label = label substr(line, 1, RLENGTH)
		line = substr(line, RLENGTH + 1)
	}
	comment = ""
	if (match(line, /[ \t]*(\/\*|#).*$/)) {
		comment = substr(line, RSTART)
		line = substr(line, 1, RSTART - 1)
	}
	n = split(line, w, /[ \t]+/)
	op = (w[1] == "") ? w[2] : w[1]
	arg = (w[1] == "") ? w[3] : w[2]
	for (i = (w[1] == "") ? 4 : 3; i <= n; i++)
		arg = arg " " w[i]
	if (op ~ /^retq?$/ && arg == "") {
		print label "\tjmp __x86_return_thunk" comment
		next
	}
	if (op == "hlt" && arg == "") {
		print label "\tud2" comment
		next
	}
	if (op ~ /^(jmp|call)q?$/ && arg ~ /^\*/) {
		sub(/q$/, "", op)
		target = substr(arg, 2)
		if (target ~ /^%[a-z0-9]+$/) {
			print label "\t" op " __x86_indirect_thunk_" substr(target, 2) comment
		} else {
			print label "\tmov " target ",%r11" comment
			print "\t" op " __x86_indirect_thunk_r11"
		}
		next
	}
	print
}
