/* SPDX-License-Identifier: MIT */
/* SyncCores under hostile use. Command line "window": an AP spins without
   exits inside a MarkerBegin/MarkerEnd window while the BSP calls SyncCores
   SYNCS times; every call must have kicked the AP (rdx, summed) and waited
   for it: the AP's window must count at least as many exits as the calls
   kicked it. "found" (membarrier mode, where the AP never exits): every
   call must report the spinning AP as in the guest. "concurrent": the BSP and three APs call SyncCores at once,
   and the APs halt when done while the others go on. "ends": two APs spin,
   the BSP calls SyncCores forever, a third AP calls it too and then ends
   the run with Exit(0). Exit codes 20-29 name the check that failed. */
#include "hypercall.inc"

#define HC_SYNC_CORES 22
#define SYNCS 100
#define ENDING_SYNCS 20

/* StartVcpu(index, entry, stack); exits 21 when refused. */
.macro start_ap index, entry, stack
  mov $\index, %rdi
  lea \entry(%rip), %rsi
  lea \stack(%rip), %rdx
  xor %r10, %r10
  hypercall HC_START_VCPU
  test %rax, %rax
  jz 9f
  guest_exit 21
9:
.endm

/* SyncCores, exits 22 unless it returns Ok. */
.macro sync_cores
  hypercall HC_SYNC_CORES
  test %rax, %rax
  jz 9f
  guest_exit 22
9:
.endm

.text
.globl _start
_start:
  load_mode
  xor %r14, %r14                /* 1: the "found" check instead of exits */
  cmp $'w', %r15b
  je window
  cmp $'f', %r15b
  je found
  cmp $'c', %r15b
  je concurrent
  cmp $'e', %r15b
  je ends
  guest_exit 20

found:
  mov $1, %r14
window:
  start_ap 1, window_ap, stack1
1:
  pause
  cmpl $0, ready(%rip)
  je 1b
  xor %r12, %r12                /* vCPUs kicked, summed over the calls */
  mov $SYNCS, %r13
2:
  sync_cores
  cmp $1, %rdx
  jbe 3f
  guest_exit 23                 /* kicked more vCPUs than there are */
3:
  add %rdx, %r12
  dec %r13
  jnz 2b
  movl $1, stop(%rip)
4:
  pause
  cmpl $0, done(%rip)
  je 4b
  test %r12, %r12
  jnz 5f
  guest_exit 24                 /* never kicked the spinning AP */
5:
  test %r14, %r14
  jz 7f
  cmp $SYNCS, %r12
  je 6f
  guest_exit 26                 /* a call did not find the AP in the guest */
7:
  cmp %r12, counters+8(%rip)    /* Counters.exits */
  jae 6f
  guest_exit 25                 /* returned before the AP left the guest */
6:
  guest_exit 0

window_ap:
  hypercall HC_MARKER_BEGIN
  movl $1, ready(%rip)
1:
  cmpl $0, stop(%rip)
  je 1b
  lea counters(%rip), %rdi
  hypercall HC_MARKER_END
  movl $1, done(%rip)
  hlt

concurrent:
  start_ap 1, concurrent_ap, stack1
  start_ap 2, concurrent_ap, stack2
  start_ap 3, concurrent_ap, stack3
  mov $SYNCS, %r13
1:
  sync_cores
  dec %r13
  jnz 1b
2:
  pause
  cmpl $3, done(%rip)
  jne 2b
  guest_exit 0

concurrent_ap:
  mov $SYNCS, %r13
1:
  sync_cores
  dec %r13
  jnz 1b
  lock incl done(%rip)
  hlt

ends:
  start_ap 1, spin_ap, stack1
  start_ap 2, spin_ap, stack2
  start_ap 3, ending_ap, stack3
1:
  sync_cores
  jmp 1b

spin_ap:
  jmp spin_ap

ending_ap:
  mov $ENDING_SYNCS, %r13
1:
  sync_cores
  dec %r13
  jnz 1b
  guest_exit 0

.bss
.balign 16
ready: .skip 4
stop: .skip 4
done: .skip 4
.balign 8
counters: .skip 40
.balign 16
  .skip 1024
stack1:
  .skip 1024
stack2:
  .skip 1024
stack3:
