# Instruction forms for the decoder's comparison with objdump
# (test_x86_objdump.c): every operand shape, prefix order and map the
# compiled code and musl's assembly meet, and some they rarely do. Never
# run, never verified: only decoded.
	.section .note.GNU-stack, "", @progbits
	.text
	.globl decode_forms
decode_forms:
	# ModRM, SIB, displacements, RIP-relative, REX
	mov	%rax, %rbx
	mov	(%rax), %ecx
	mov	8(%rsp), %r12
	mov	-0x80(%rbp,%rcx,4), %r8d
	mov	0x12345678(%r13,%r14,8), %r15
	mov	0x1000(,%rax,2), %eax
	mov	foo(%rip), %rdx
	mov	%fs:0, %rax
	mov	%gs:0x10(%rdi), %esi
	addr32 mov (%eax), %ecx
	mov	(%r12), %al
	mov	%spl, (%r13)
	movabs	$0x123456789abcdef0, %r9
	movabs	0x1122334455667788, %al
	movabs	%rax, 0x1122334455667788
	mov	$0x12345678, %ecx
	movw	$0x1234, (%rax)
	movq	$-1, 8(%rsp)
	movb	$7, 3(%rdx)
	# immediates by operand size
	add	$0x12345678, %rax
	add	$0x1234, %ax
	addw	$0x1234, 2(%rbx)
	add	$1, %r11
	imul	$0x1000, %rax, %rcx
	imul	$3, %rdx, %rdx
	test	$0x80, %al
	testl	$0x10000, (%rdi)
	testw	$0x100, (%rdi)
	push	$0x12345678
	push	$1
	pushw	$0x1234
	enter	$0x20, $0
	leave
	# shifts, groups, string ops, prefixes in odd orders
	shl	$3, %eax
	sar	%cl, %rdx
	rol	%r9b
	not	%r10
	negl	(%rax)
	incq	(%rsp)
	decb	%al
	rep movsb
	rep stosq
	repne scasb
	lock cmpxchg %rcx, (%rdx)
	lock xadd %eax, 4(%rsi)
	.byte 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00
	.byte 0x66, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00
	.byte 0xf0, 0x66, 0x48, 0x0f, 0xc1, 0x03	# lock data16 REX.W xadd
	.byte 0x3e, 0x66, 0x90
	nopl	0(%rax,%rax,1)
	nopw	0(%rax,%rax,1)
	xchg	%ax, %ax
	pause
	endbr64
	cpuid
	rdtsc
	rdtscp
	xgetbv
	rdpkru
	ud2
	int3
	hlt
	cmc
	# two-byte map
	cmove	%rax, %rbx
	setne	%al
	movzbl	(%rax), %ecx
	movsbq	%dl, %r8
	movswl	2(%rsi), %eax
	movslq	%eax, %rdx
	bsf	%rax, %rcx
	bsr	%eax, %edx
	tzcnt	%rax, %rcx
	lzcnt	%eax, %edx
	popcnt	%rdi, %rax
	bt	$5, %eax
	btsq	$63, (%rdi)
	bt	%rax, (%rdx)
	bswap	%r12
	shld	$4, %rax, %rdx
	shrd	%cl, %rdx, %rax
	cmpxchg16b (%rdi)
	rdrand	%rax
	rdseed	%ecx
	prefetcht0 (%rax)
	prefetchw (%rdi)
	lfence
	mfence
	sfence
	clflush	(%rax)
	fxsave	(%rsp)
	xsave	(%rsp)
	ldmxcsr	4(%rsp)
	stmxcsr	4(%rsp)
	movbe	(%rax), %ecx
	movbe	%rdx, 8(%rsi)
	crc32b	%al, %ecx
	crc32w	%ax, %ecx
	crc32q	%rax, %rcx
	# SSE .. SSE4.2, AES, PCLMUL, SHA
	movups	(%rax), %xmm0
	movupd	%xmm1, (%rdx)
	movss	4(%rsp), %xmm2
	movsd	%xmm3, %xmm4
	movaps	%xmm5, %xmm6
	movdqa	(%rax), %xmm7
	movdqu	%xmm8, 16(%rsp)
	movq	%rax, %xmm9
	movd	%xmm10, %eax
	movq	(%rdi), %xmm1
	movq	%xmm1, (%rdi)
	movhps	(%rax), %xmm0
	movlps	%xmm0, (%rax)
	movhlps	%xmm1, %xmm2
	movmskps %xmm1, %eax
	addss	%xmm1, %xmm0
	mulsd	(%rax), %xmm1
	divps	%xmm2, %xmm3
	sqrtsd	%xmm0, %xmm0
	maxpd	%xmm1, %xmm2
	andnps	%xmm1, %xmm2
	xorpd	%xmm0, %xmm0
	cvtsi2sd %rax, %xmm0
	cvttsd2si %xmm0, %rax
	cvtss2sd %xmm1, %xmm2
	cvtdq2ps %xmm1, %xmm2
	cvttps2dq %xmm1, %xmm2
	cvtdq2pd %xmm1, %xmm2
	ucomisd	%xmm1, %xmm0
	comiss	(%rax), %xmm1
	cmpltsd	%xmm1, %xmm0
	shufps	$0x1b, %xmm1, %xmm0
	pshufd	$0x4e, %xmm1, %xmm0
	pshuflw	$0, %xmm1, %xmm0
	psrldq	$8, %xmm0
	pslld	$3, %xmm1
	psraw	$2, %mm0
	punpcklbw %xmm1, %xmm0
	packuswb %xmm1, %xmm0
	pcmpeqb	(%rdi), %xmm0
	pmovmskb %xmm0, %eax
	pinsrw	$3, %eax, %xmm0
	pextrw	$1, %xmm0, %eax
	paddq	%xmm1, %xmm0
	pmuludq	%xmm1, %xmm0
	psadbw	%xmm1, %xmm0
	pavgb	%mm1, %mm0
	movntdq	%xmm0, (%rdi)
	movnti	%eax, (%rdi)
	lddqu	(%rsi), %xmm0
	haddps	%xmm1, %xmm0
	addsubpd %xmm1, %xmm0
	movddup	%xmm1, %xmm0
	pshufb	%xmm1, %xmm0
	palignr	$4, %xmm1, %xmm0
	pmaddubsw %xmm1, %xmm0
	pabsd	%xmm1, %xmm0
	pblendvb %xmm0, %xmm1, %xmm2
	pmovzxbw (%rax), %xmm0
	pmulld	%xmm1, %xmm0
	ptest	%xmm1, %xmm0
	roundsd	$4, %xmm1, %xmm0
	pextrd	$1, %xmm0, %eax
	pinsrq	$1, %rax, %xmm0
	insertps $0x10, %xmm1, %xmm0
	dpps	$0xff, %xmm1, %xmm0
	pcmpistri $0x0c, (%rdi), %xmm0
	pcmpgtq	%xmm1, %xmm0
	aesenc	%xmm1, %xmm0
	aesdeclast (%rax), %xmm0
	aesimc	%xmm1, %xmm0
	aeskeygenassist $1, %xmm1, %xmm0
	pclmulqdq $0x11, %xmm1, %xmm0
	sha1rnds4 $2, %xmm1, %xmm0
	sha256rnds2 %xmm0, %xmm1, %xmm2
	sha1nexte %xmm1, %xmm0
	emms
	# x87
	fld	%st(1)
	fldl	8(%rsp)
	fldt	(%rax)
	fstpt	(%rax)
	fildll	(%rax)
	fistpl	(%rax)
	fisttpll (%rax)
	fnstcw	(%rsp)
	fldcw	(%rsp)
	fnstsw	%ax
	fnstenv	(%rsp)
	fldenv	(%rsp)
	faddp
	fmul	%st(2), %st
	fdivrp	%st, %st(1)
	fxch	%st(3)
	fucomip	%st(1), %st
	fcomi	%st(2), %st
	fcmovb	%st(1), %st
	fchs
	fabs
	fldz
	fld1
	fldpi
	fsqrt
	fscale
	fprem
	frndint
	fyl2x
	f2xm1
	fpatan
	fsin
	fxam
	ftst
	fnclex
	fninit
	fwait
	frstor	(%rsp)
	fnsave	(%rsp)
	# VEX and EVEX
	vzeroupper
	vmovdqu	(%rax), %ymm0
	vpaddd	%ymm1, %ymm2, %ymm3
	vpxor	%xmm1, %xmm2, %xmm3
	vpshufd	$0x1b, %ymm1, %ymm2
	vpsrldq	$4, %ymm1, %ymm2
	vblendvps %ymm3, %ymm2, %ymm1, %ymm0
	vpermq	$0x4e, %ymm1, %ymm2
	vfmadd231ps %ymm1, %ymm2, %ymm3
	vbroadcastss (%rax), %ymm0
	vpcmpeqb 0x20(%rdi,%rcx), %ymm1, %ymm2
	vpmovmskb %ymm0, %eax
	andn	%rax, %rbx, %rcx
	bextr	%rax, %rbx, %rcx
	shlx	%rax, %rbx, %rcx
	rorx	$5, %rax, %rbx
	pdep	%rax, %rbx, %rcx
	vmovdqu64 (%rax), %zmm0
	vpaddq	%zmm1, %zmm2, %zmm3{%k1}{z}
	vpternlogd $0x96, %zmm1, %zmm2, %zmm3
	vmovaps	0x40(%rax), %zmm1
	vpcmpeqb 0x40(%rdi), %zmm1, %k2
	kmovq	%k1, %rax
	# branches: direct, indirect, far, returns, traps
1:	jmp	1b
	jmp	2f
	je	1b
	jne	2f
	call	decode_forms
	loop	1b
	jrcxz	1b
	jmp	*%rax
	call	*%r11
	jmp	*8(%rax)
	call	*foo(%rip)
	notrack jmp *%rax
	bnd jmp	2f
	ljmp	*(%rax)
	lcall	*(%rdx)
	ret
	ret	$8
	lretq
	iretq
	syscall
	sysenter
	int	$0x80
	int1
	xbegin	2f
	xabort	$1
	xend
	xtest
2:	wrpkru
	xrstor	(%rdi)
	xrstor64 (%rdi)
	xrstors	(%rdi)
	wrfsbase %rax
	wrgsbase %ecx
	rdfsbase %r8
	rdgsbase %rax
	mov	%eax, %fs
	mov	%ax, %ss
	pop	%fs
	push	%gs
	lss	(%rax), %eax
	mov	%cr0, %rax
	in	$0x60, %al
	outsb
	cli
	swapgs
	.data
foo:	.quad 0
