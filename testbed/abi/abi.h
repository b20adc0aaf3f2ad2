// SPDX-License-Identifier: MIT
// The contract between altpv-vmm and a testbed guest: boot block, hypercall
// numbers and registers, the synthetic MSRs, the paravirtual CPUID leaves.
// Freestanding-safe: the guest and the VMM both include it, so neither can
// drift from the other. Not installed: it is the testbed's, not the library's.
#pragma once

#include <cstddef>
#include <cstdint>

#include "altpv/msr.h"
#include "altpv/version.h"

namespace altpv::testbed {

// ---- Boot ----------------------------------------------------------------

// Passed in rdi to the ELF entry point of the bootstrap vCPU. Lives in guest
// RAM below the kernel; the VMM writes it once before the first KVM_RUN.
inline constexpr std::uint64_t kBootMagic = 0x746f6f4276706c41ULL;  // "AlpvBoot"
inline constexpr std::uint32_t kBootVersion = kTestbedAbiVersion;
inline constexpr std::uint32_t kMaxCmdline = 1024;

// vCPUs a testbed guest provides for (stacks, per-vCPU state); the VMM
// refuses --vcpus above it.
inline constexpr std::uint32_t kMaxVcpus = 16;

struct BootInfo {
  std::uint64_t magic;        // kBootMagic
  std::uint32_t version;      // kBootVersion
  std::uint32_t vcpu_count;   // vCPUs the VMM created (--vcpus)
  std::uint64_t mem_size;     // bytes of guest RAM, identity mapped from 0
  std::uint64_t cmdline_gpa;  // NUL-terminated guest command line
  std::uint32_t cmdline_len;  // strlen of it
  std::uint32_t tick_us;      // --tick-us: timer period in microseconds, 0 = no timer
};

// ---- Hypercalls ------------------------------------------------------------

// A hypercall is `out %eax, $kHypercallPort` (the immediate form, so the port
// costs no register). Number in eax; arguments in rdi, rsi, rdx, r10, r8.
// Status comes back in rax (0 or a negative HypercallError); a value, where
// the call has one, in rdx. Every other register is preserved. Pointers are
// guest-physical and checked by the VMM against guest RAM.
inline constexpr std::uint16_t kHypercallPort = 0xe0;
inline constexpr std::uint16_t kSerialPort = 0x3f8;  // COM1 data: a console too

enum class Hypercall : std::uint32_t {
  ConsoleWrite = 1,  // rdi=gpa, rsi=len
  TestBegin = 2,     // rdi=gpa of name, rsi=len
  TestPass = 3,      // (the current test)
  TestFail = 4,      // rdi=gpa of message, rsi=len
  TestSkip = 5,      // rdi=gpa of reason, rsi=len
  Exit = 6,          // rdi=code; 0 only if the guest's own verdict is "pass"
  MsrRead = 7,       // rdi=msr -> rdx=value (PV personality only)
  MsrWrite = 8,      // rdi=msr, rsi=value (PV personality only)
  MarkerBegin = 9,   // start counting instructions and exits on this vCPU
  MarkerEnd = 10,    // rdi=gpa of Counters to fill; stops counting
  StartVcpu = 11,    // rdi=vcpu index, rsi=entry rip, rdx=stack top, r10=arg (in rdi)
  VcpuIndex = 12,    // -> rdx=index of the calling vCPU
  EmulateInsn = 13,  // rdi=gpa of a GprFrame whose rip faulted with #UD; see below
  // Events and the privileged-op interface ("Events" below). Register is
  // valid under every personality; the others are PV only (NotPv otherwise).
  RegisterVcpuInfo = 14,  // rdi=gpa of this vCPU's VcpuInfo (8-aligned)
  EventCheck = 15,        // deliver a pending event now, if the mask allows
  Block = 16,             // clear the mask, then sleep until an event (safe_halt)
  LoadCr3 = 17,           // rdi=new CR3
  FlushTlbOne = 18,       // rdi=linear address
  FlushTlbAll = 19,       //
  MmuUpdate = 20,         // rdi=gpa of MmuUpdateEntry[rsi], rsi=count: *pte=value in order
  Wbinvd = 21,            //
  SyncCores = 22,         // every other running vCPU leaves and re-enters the guest (serialises it)
};

enum class HypercallError : std::int64_t {
  Ok = 0,
  BadNumber = -1,   // no such hypercall
  BadPointer = -2,  // gpa/len outside guest RAM
  BadMsr = -3,      // MSR the VMM does not emulate (the access would #GP)
  BadState = -4,    // e.g. MarkerEnd without MarkerBegin, vCPU already started
  NotPv = -5,       // PV-only call under another personality
  BadArgument = -6,
};

// Filled by MarkerEnd. Counts cover the instructions strictly between the
// MarkerBegin and MarkerEnd hypercalls; the markers themselves are excluded.
struct Counters {
  std::uint64_t instructions;    // guest instructions, by single-step
  std::uint64_t exits;           // VM exits other than single-step ones
  std::uint64_t exits_io;        // of which port I/O (hypercalls, console)
  std::uint64_t exits_msr;       // of which RDMSR/WRMSR traps
  std::uint64_t exits_emulated;  // of which instructions the VMM emulated
};

// The #UD path of CPU-model emulation. On hosts whose KVM reports an
// emulation failure for an instruction the model advertises (kvm_pvm), the
// VMM emulates it directly. On hardware-VMX hosts the guest takes #UD
// instead; its handler stores the interrupted registers here and asks the VMM
// to emulate. The VMM decodes the bytes at frame.rip, performs the access,
// updates the frame (outputs and rip) and returns Ok, or BadArgument when the
// bytes are not an instruction it emulates (a genuine #UD), or BadMsr when
// the access itself must #GP. One decoder serves both paths.
struct GprFrame {
  std::uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
  std::uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
  std::uint64_t rip, rflags;
};

// ---- Synthetic MSRs ---------------------------------------------------------

// Four of the MSRs the VMM emulates as plain 64-bit storage (docs/vmm.md), as
// constant-index sites name them: `altpv::wrmsr_ns(testbed::kMsr0, v)`.
inline constexpr Msr<0x40000100> kMsr0{};
inline constexpr Msr<0x40000101> kMsr1{};
inline constexpr Msr<0x40000102> kMsr2{};
inline constexpr Msr<0x40000103> kMsr3{};

// An MSR that neither KVM nor the VMM implements: every access raises #GP
// (and a _safe access returns kMsrFault). The guest's MSR tests use it, and
// the host checks that the MSR log never holds it.
inline constexpr std::uint32_t kAbsentMsr = 0x40000fff;

// ---- Paravirtual interface -----------------------------------------------

// Under `--hv pv`, CPUID 0x40000000 returns eax=kPvMaxLeaf and this signature
// in ebx, ecx, edx (12 bytes, little-endian). 0x40000001 eax = PvFeature bits.
inline constexpr std::uint32_t kPvBaseLeaf = 0x40000000;
inline constexpr std::uint32_t kPvMaxLeaf = 0x40000001;
inline constexpr char kPvSignature[13] = "AltpvTestbed";

enum PvFeature : std::uint32_t {
  kPvMsrHypercalls = 1u << 0,  // MsrRead/MsrWrite are available
  kPvEvents = 1u << 1,         // VcpuInfo events and the privileged-op hypercalls
};

// ---- Events --------------------------------------------------------------

// With --tick-us N the VMM raises a periodic timer event on every vCPU.
// Under --hv hvm it is a real interrupt at kTimerVector, injected only when
// the guest's RFLAGS.IF is set (interrupt-window exits otherwise). Under
// --hv pv the guest's real IF stays set and events honour the virtual mask in
// its VcpuInfo instead, modelled on Xen's vcpu_info: while event_mask is 0
// the VMM injects kTimerVector as well; while it is non-zero the VMM sets
// event_pending and holds the event until the guest clears the mask and asks
// (EventCheck, or Block). The VMM clears event_pending when it injects. A
// vCPU halted (hlt, or Block) wakes on its next event.
inline constexpr std::uint8_t kTimerVector = 0x20;

// One per vCPU, in guest RAM, registered with RegisterVcpuInfo. The guest
// keeps it at the base of its %gs segment, so PV inline forms reach it with a
// %gs-relative operand (`movb $1, %gs:kVcpuEventMask`) and no register.
struct VcpuInfo {
  std::uint8_t event_pending;  // written by the VMM, cleared when it injects
  std::uint8_t event_mask;     // the virtual IF, inverted: non-zero holds events back
  std::uint8_t reserved[6];
  std::uint64_t cr2;  // the last page-fault address, as the hypervisor would report it
};
inline constexpr std::uint32_t kVcpuEventPending = 0;  // %gs offsets of the fields
inline constexpr std::uint32_t kVcpuEventMask = 1;
inline constexpr std::uint32_t kVcpuCr2 = 8;
static_assert(offsetof(VcpuInfo, event_pending) == kVcpuEventPending);
static_assert(offsetof(VcpuInfo, event_mask) == kVcpuEventMask);
static_assert(offsetof(VcpuInfo, cr2) == kVcpuCr2);

// One page-table write for MmuUpdate: the guest-physical address of an
// 8-byte entry (8-aligned, in RAM) and the value to store there. The VMM
// checks the whole batch before it writes any entry (BadPointer: the array or
// an entry outside RAM or misaligned; BadArgument: more than kMaxMmuUpdates),
// writes them in order, then flushes the vCPU's TLB.
struct MmuUpdateEntry {
  std::uint64_t pte_gpa;
  std::uint64_t value;
};
inline constexpr std::uint32_t kMaxMmuUpdates = 512;  // entries per MmuUpdate: one page table

// ---- CPU model mirror ------------------------------------------------------

// Some KVMs (kvm_pvm) answer CPUID leaves 1 and 7 from the host
// and ignore the table the VMM sets, so `--cpu +wrmsrns` cannot show there.
// The VMM therefore also publishes the model it applies (and emulates) in
// these leaves, under every personality. A testbed guest takes its features
// from here when kCpuModelLeaf returns eax = kCpuModelMagic:
//   kCpuModelLeaf      eax = kCpuModelMagic, ebx = CPUID.1:ECX, ecx = CPUID.1:EDX
//   kCpuModelLeaf + 1  eax..edx = CPUID.(EAX=7,ECX=0)
//   kCpuModelLeaf + 2  eax..edx = CPUID.(EAX=7,ECX=1)
inline constexpr std::uint32_t kCpuModelLeaf = 0x40000100;
inline constexpr std::uint32_t kCpuModelMagic = 0x6c646f4d;  // "Modl"

}  // namespace altpv::testbed
