// SPDX-License-Identifier: MIT
// The PV privileged-op hypercalls: what a paravirtualised guest asks the
// hypervisor to do instead of executing mov-to-CR3, invlpg, page-table
// writes or wbinvd itself. PV only (NotPv otherwise); every address checked.
#include <atomic>
#include <vector>

#include "hypercall_status.h"
#include "vcpu_runner.h"

namespace altpv::vmm {
namespace {

namespace tb = altpv::testbed;
using namespace hypercall_status;

constexpr std::uint64_t kPageSize = 4096;
// CR3 bits 3 (PWT) and 4 (PCD) are flags; the other bits below the page
// frame and bits 52..63 must be zero (no PCID: CR4.PCIDE is never set here).
constexpr std::uint64_t kCr3Flags = 0x18;
constexpr unsigned kMaxPhysBits = 52;

}  // namespace

std::int64_t VcpuRunner::load_cr3(const kvm_regs& regs) {
  if (machine_.options().hv != Personality::Pv) return kNotPv;
  const std::uint64_t cr3 = regs.rdi;
  if ((cr3 & (kPageSize - 1) & ~kCr3Flags) != 0 || (cr3 >> kMaxPhysBits) != 0) {
    return kBadArgument;
  }
  if (!machine_.memory().contains(cr3 & ~(kPageSize - 1), kPageSize)) return kBadPointer;
  kvm_sregs sregs = vcpu_.sregs();
  sregs.cr3 = cr3;
  vcpu_.set_sregs(sregs);  // KVM rebuilds its view of the guest's tables
  vcpu_.flush_tlb();       // as mov to CR3 does, also when the value is unchanged
  return kOk;
}

std::int64_t VcpuRunner::flush_tlb() {
  if (machine_.options().hv != Personality::Pv) return kNotPv;
  vcpu_.flush_tlb();
  return kOk;
}

std::int64_t VcpuRunner::mmu_update(const kvm_regs& regs) {
  if (machine_.options().hv != Personality::Pv) return kNotPv;
  if (regs.rsi > tb::kMaxMmuUpdates) return kBadArgument;
  GuestMemory& memory = machine_.memory();
  const std::uint64_t bytes = regs.rsi * sizeof(tb::MmuUpdateEntry);
  if (regs.rdi % alignof(tb::MmuUpdateEntry) != 0 || !memory.contains(regs.rdi, bytes)) {
    return kBadPointer;
  }
  // Copied first, so another vCPU changing the batch cannot slip an
  // unchecked entry in between the check and the write.
  std::vector<tb::MmuUpdateEntry> batch(regs.rsi);
  for (std::uint64_t i = 0; i < regs.rsi; ++i) {
    batch[i] = *memory.read_object<tb::MmuUpdateEntry>(regs.rdi + i * sizeof(tb::MmuUpdateEntry));
    if (batch[i].pte_gpa % sizeof(std::uint64_t) != 0 ||
        !memory.contains(batch[i].pte_gpa, sizeof(std::uint64_t))) {
      return kBadPointer;
    }
  }
  for (const tb::MmuUpdateEntry& e : batch) {
    auto* pte = reinterpret_cast<std::uint64_t*>(memory.host_base() + e.pte_gpa);
    std::atomic_ref(*pte).store(e.value);  // whole entries: another vCPU may walk them
  }
  vcpu_.flush_tlb();
  return kOk;
}

// Guest RAM is ordinary host memory, coherent with every host CPU: there is
// no cache of the guest's to write back, so the call is the exit alone.
std::int64_t VcpuRunner::wbinvd() {
  if (machine_.options().hv != Personality::Pv) return kNotPv;
  return kOk;
}

}  // namespace altpv::vmm
