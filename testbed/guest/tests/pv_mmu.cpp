// SPDX-License-Identifier: MIT
// pv.mmu: the PV privileged-op hypercalls take effect. A 4 KiB page at an
// address the VMM's identity map leaves unmapped is mapped to one of three
// frames through the guest's own tables; each step changes the mapping and
// reads the page through it, so a write that did not land, a flush that did
// not flush or a CR3 that did not load shows as the wrong frame's marker.
// Under any other personality every one of these calls returns NotPv.
#include <cstdint>

#include "expect.h"
#include "hypercall.h"
#include "test_registry.h"
#include "vcpu_area.h"

namespace altpv::guest {
namespace {

using altpv::testbed::Hypercall;
using altpv::testbed::HypercallError;
using altpv::testbed::MmuUpdateEntry;

constexpr std::uint64_t kPresentWritable = 0x3;
constexpr std::uint64_t kPageSize = 4096;
constexpr std::uint64_t kMapped = 0x8000000000;  // PML4 entry 1: not in the identity map
constexpr unsigned kPml4Slot = 1;

struct alignas(4096) Table {
  std::uint64_t entries[512];
};
struct alignas(4096) Frame {
  std::uint64_t marker;
};

// The guest is identity mapped: these addresses are guest-physical too.
constinit Table pdpt = {}, pd = {}, pt = {};
constinit Table other_pml4 = {}, other_pdpt = {}, other_pd = {}, other_pt = {};
constinit Frame frames[3] = {};
constexpr std::uint64_t kMarkers[3] = {0xa0a0a0a0, 0xb0b0b0b0, 0xc0c0c0c0};

std::uint64_t phys(const void* p) {
  return reinterpret_cast<std::uintptr_t>(p);
}

std::uint64_t entry_to(const void* p) {
  return phys(p) | kPresentWritable;
}

std::uint64_t read_cr3() {
  std::uint64_t cr3;
  asm volatile("mov %%cr3, %0" : "=r"(cr3));
  return cr3;
}

std::uint64_t read_mapped() {
  return *reinterpret_cast<volatile std::uint64_t*>(kMapped);
}

// A store the hypervisor does not see: the TLB may keep the old translation.
void plain_store(std::uint64_t& entry, std::uint64_t value) {
  __atomic_store_n(&entry, value, __ATOMIC_RELEASE);
}

HypercallError mmu_update(const MmuUpdateEntry* batch, std::uint64_t count) {
  return hypercall(Hypercall::MmuUpdate, phys(batch), count).status;
}

void pv_calls_refused() {
  const MmuUpdateEntry none{};
  EXPECT_EQ(hypercall(Hypercall::LoadCr3, read_cr3()).status, HypercallError::NotPv);
  EXPECT_EQ(hypercall(Hypercall::FlushTlbOne, kMapped).status, HypercallError::NotPv);
  EXPECT_EQ(hypercall(Hypercall::FlushTlbAll).status, HypercallError::NotPv);
  EXPECT_EQ(mmu_update(&none, 0), HypercallError::NotPv);
  EXPECT_EQ(hypercall(Hypercall::Wbinvd).status, HypercallError::NotPv);
  EXPECT_EQ(hypercall(Hypercall::EventCheck).status, HypercallError::NotPv);
  EXPECT_EQ(hypercall(Hypercall::Block).status, HypercallError::NotPv);
}

void pv_mmu() {
  if (!pv_events()) {
    pv_calls_refused();
    return;
  }
  for (int i = 0; i < 3; ++i) frames[i].marker = kMarkers[i];
  pt.entries[0] = entry_to(&frames[0]);
  pd.entries[0] = entry_to(&pt);
  pdpt.entries[0] = entry_to(&pd);
  const std::uint64_t cr3 = read_cr3();
  std::uint64_t* const live_pml4 = reinterpret_cast<std::uint64_t*>(cr3 & ~(kPageSize - 1));

  // MmuUpdate links the new tables into the live PML4.
  const MmuUpdateEntry link{phys(&live_pml4[kPml4Slot]), entry_to(&pdpt)};
  ASSERT_EQ(mmu_update(&link, 1), HypercallError::Ok);
  EXPECT_EQ(read_mapped(), kMarkers[0]);

  // A plain store, then FlushTlbOne: the new frame shows.
  plain_store(pt.entries[0], entry_to(&frames[1]));
  EXPECT_EQ(hypercall(Hypercall::FlushTlbOne, kMapped).status, HypercallError::Ok);
  EXPECT_EQ(read_mapped(), kMarkers[1]);

  // MmuUpdate writes in order and flushes: the last write to an entry wins.
  const MmuUpdateEntry remap[2] = {{phys(&pt.entries[0]), entry_to(&frames[0])},
                                   {phys(&pt.entries[0]), entry_to(&frames[2])}};
  EXPECT_EQ(mmu_update(remap, 2), HypercallError::Ok);
  EXPECT_EQ(read_mapped(), kMarkers[2]);

  // A plain store, then FlushTlbAll.
  plain_store(pt.entries[0], entry_to(&frames[0]));
  EXPECT_EQ(hypercall(Hypercall::FlushTlbAll).status, HypercallError::Ok);
  EXPECT_EQ(read_mapped(), kMarkers[0]);

  // LoadCr3 to a second PML4 that maps the page elsewhere, and back.
  for (int i = 0; i < 512; ++i) other_pml4.entries[i] = live_pml4[i];
  other_pml4.entries[kPml4Slot] = entry_to(&other_pdpt);
  other_pdpt.entries[0] = entry_to(&other_pd);
  other_pd.entries[0] = entry_to(&other_pt);
  other_pt.entries[0] = entry_to(&frames[1]);
  EXPECT_EQ(hypercall(Hypercall::LoadCr3, phys(&other_pml4)).status, HypercallError::Ok);
  EXPECT_EQ(read_cr3(), phys(&other_pml4));
  EXPECT_EQ(read_mapped(), kMarkers[1]);
  EXPECT_EQ(hypercall(Hypercall::LoadCr3, cr3).status, HypercallError::Ok);
  EXPECT_EQ(read_cr3(), cr3);
  EXPECT_EQ(read_mapped(), kMarkers[0]);

  // LoadCr3 of the current CR3 flushes, as mov to CR3 does.
  plain_store(pt.entries[0], entry_to(&frames[2]));
  EXPECT_EQ(hypercall(Hypercall::LoadCr3, cr3).status, HypercallError::Ok);
  EXPECT_EQ(read_mapped(), kMarkers[2]);

  EXPECT_EQ(hypercall(Hypercall::Wbinvd).status, HypercallError::Ok);

  // Unmapped again, as the other cases expect.
  const MmuUpdateEntry unlink{phys(&live_pml4[kPml4Slot]), 0};
  EXPECT_EQ(mmu_update(&unlink, 1), HypercallError::Ok);
}
GUEST_TEST("pv.mmu", pv_mmu);

}  // namespace
}  // namespace altpv::guest
