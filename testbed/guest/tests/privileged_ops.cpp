// SPDX-License-Identifier: MIT
// The privileged-instruction ops (altpv/privileged.h) as the guest sees
// them, on whichever path boot patching chose (native, or the PV backend's
// inline forms and stubs, pv_privileged.h):
//   priv.flags           irq_disable/irq_enable/save_fl/restore_fl nest: the
//                        state each save_fl reports is the one the ops set,
//                        natively in RFLAGS.IF, under PV in the VcpuInfo mask
//                        (and the real IF is left alone);
//   priv.irq             timer ticks through the ops (--tick-us, 2 vCPUs): none
//                        handled in a disabled window, the held one handled
//                        by the enabling op, safe_halt without a lost wakeup;
//   priv.mmu             set_pte, flush_tlb_one, write_cr3/read_cr3 and the
//                        lazy-MMU batch take effect: a 2 MiB mapping changed
//                        and flushed is seen through, a second page-table tree
//                        loaded into CR3 is used, a batch lands at leave;
//   priv.lazy_mmu        two vCPUs in lazy-MMU mode at the same time keep
//                        separate queues: each leave sends its own vCPU's;
//   priv.stub_registers  every stub the PV backend hands out keeps every
//                        register the native instruction keeps, with all
//                        registers random; a broken stub is caught.
#include "abi/abi.h"
#include "altpv/privileged.h"
#include "boot.h"
#include "boot_patching.h"
#include "bounded_wait.h"
#include "console.h"
#include "expect.h"
#include "pv_backend.h"
#include "pv_privileged.h"
#include "register_check.h"
#include "smp.h"
#include "test_registry.h"
#include "vcpu_area.h"

extern "C" char __image_end[];
extern "C" void guest_call_with_regs(altpv::NativeRegs* regs, const void* stub);

asm(GUEST_PV_PRIV_STUB_MACROS
    "guest_pv_hypercall_stub guest_pv_wbinvd_broken, 21, 0\n" GUEST_PV_PRIV_STUB_PURGE);
extern "C" const char guest_pv_wbinvd_broken[];

namespace altpv::guest {
namespace {

bool pv() {
  return boot_patching().features.has(altpv::Feature::Pv);
}

// RFLAGS as the CPU has it, by an instruction that is no site.
std::uint64_t real_flags() {
  std::uint64_t f;
  asm volatile("pushf; pop %0" : "=r"(f));
  return f;
}

// The virtual mask in this vCPU's VcpuInfo, read at %gs as the inline forms
// address it.
std::uint8_t event_mask() {
  std::uint8_t m;
  asm volatile("movb %%gs:%c[off], %0" : "=q"(m) : [off] "i"(altpv::testbed::kVcpuEventMask));
  return m;
}

// What save_fl's bit 9 must say, from the state the path keeps it in.
bool enabled_by_state() {
  return pv() ? event_mask() == 0 : (real_flags() & altpv::kFlagsIf) != 0;
}

// What the test saw, for the host's hvm-against-pv comparison
// (privileged_conformance_test.cpp): both personalities must see the same.
void observe(std::string_view what, std::uint64_t value) {
  JsonLine("observed").out().str("what", what).hex("value", value);
}

void expect_enabled(bool want, int line) {
  const bool by_op = (altpv::save_fl() & altpv::kFlagsIf) != 0;
  observe("enabled", by_op);
  if (by_op != want || enabled_by_state() != want) {
    char buf[120];
    altpv::TextBuffer msg(buf, sizeof buf);
    msg.str("privileged_ops.cpp:")
        .dec(line)
        .str(": want ")
        .str(want ? "enabled" : "disabled")
        .str(", save_fl says ")
        .str(by_op ? "enabled" : "disabled")
        .str(", state says ")
        .str(enabled_by_state() ? "enabled" : "disabled");
    record_failure(msg.view());
  }
}

void priv_flags() {
  const std::uint64_t real_before = real_flags() & altpv::kFlagsIf;
  const std::uint64_t entry = altpv::save_fl();

  altpv::irq_disable();
  expect_enabled(false, __LINE__);
  altpv::irq_enable();
  expect_enabled(true, __LINE__);
  EXPECT_TRUE(!altpv::irqs_disabled());

  // Nesting: each restore_fl brings back the state its save_fl saw.
  const std::uint64_t outer = altpv::save_fl();  // enabled
  altpv::irq_disable();
  const std::uint64_t inner = altpv::save_fl();  // disabled
  altpv::irq_disable();
  expect_enabled(false, __LINE__);
  altpv::restore_fl(inner);
  expect_enabled(false, __LINE__);
  altpv::restore_fl(outer);
  expect_enabled(true, __LINE__);
  // Restoring "disabled" from an enabled state, and the reverse.
  altpv::restore_fl(inner);
  expect_enabled(false, __LINE__);
  altpv::restore_fl(outer);
  expect_enabled(true, __LINE__);

  altpv::restore_fl(entry);
  EXPECT_EQ(altpv::save_fl() & altpv::kFlagsIf, entry & altpv::kFlagsIf);
  // Under PV the real IF belongs to the hypervisor's event delivery, not to
  // the ops.
  if (pv()) EXPECT_EQ(real_flags() & altpv::kFlagsIf, real_before);
}

GUEST_TEST("priv.flags", priv_flags);

// ---- Timer ticks through the ops -----------------------------------------------

// Each spin is a few emulated instructions: seconds, far more than the few
// tick periods a wait needs; a lost tick fails instead of hanging.
constexpr unsigned kMaxSpins = 5'000'000;

constinit bool stop_ap = false;

// The AP takes ticks with interrupts enabled: its count is the clock the
// BSP waits on. The timer raises every tick on every vCPU, so once the AP
// has handled two more, at least one was raised on the BSP meanwhile.
void ap_takes_ticks(std::uint64_t) {
  altpv::irq_enable();
  wait_for<kMaxSpins>([] { return __atomic_load_n(&stop_ap, __ATOMIC_ACQUIRE); });
  altpv::irq_disable();
}

void wait_for_a_held_tick() {
  const std::uint64_t seen = ticks(1);
  EXPECT_TRUE(wait_for<kMaxSpins>([&] { return ticks(1) >= seen + 2; }));
  // Under PV the VMM flags the tick it holds back.
  if (pv()) EXPECT_TRUE(wait_for<kMaxSpins>([] { return vcpu_area(0).info.event_pending != 0; }));
}

// After an op enabled interrupts with a tick held: under PV the op's
// EventCheck delivered it before the op returned; under hvm the VMM injects
// it at its next chance (an interrupt window), so the test waits for it.
// "At least": the next period's tick may come before the count is read.
void expect_held_tick_handled(std::uint64_t before, const char* op) {
  if (pv()) EXPECT_TRUE(ticks(0) >= before + 1);
  EXPECT_TRUE(wait_for<kMaxSpins>([&] { return ticks(0) > before; }));
  char what[64];
  altpv::TextBuffer text(what, sizeof what);
  text.str("held tick handled after ").str(op);
  observe(text.view(), ticks(0) > before);
}

// Ticks through the ops, in order: none is handled while irq_disable (or a
// restore_fl of a disabled state) holds them back, however many go by; the
// one held is handled once an op enables (irq_enable, restore_fl);
// safe_halt with one held returns having handled it.
void priv_irq() {
  if (boot_info().tick_us == 0) GUEST_SKIP("no timer: the VMM runs without --tick-us");
  if (boot_info().vcpu_count < 2) GUEST_SKIP("needs a second vCPU to see ticks go by");
  altpv::irq_disable();
  const std::uint64_t disabled = altpv::save_fl();
  ASSERT_EQ(start_ap(1, ap_takes_ticks, 0), altpv::testbed::HypercallError::Ok);

  std::uint64_t before = ticks(0);
  wait_for_a_held_tick();
  altpv::restore_fl(disabled);  // still disabled
  wait_for_a_held_tick();
  observe("ticks handled while disabled", ticks(0) - before);
  EXPECT_EQ(ticks(0), before);
  altpv::irq_enable();
  const std::uint64_t enabled = altpv::save_fl();
  expect_held_tick_handled(before, "irq_enable");
  EXPECT_TRUE(wait_for<kMaxSpins>([&] { return ticks(0) >= before + 3; }));  // and more come

  altpv::irq_disable();
  before = ticks(0);
  wait_for_a_held_tick();
  altpv::restore_fl(enabled);
  expect_held_tick_handled(before, "restore_fl");

  for (int round = 0; round < 3; ++round) {
    altpv::irq_disable();
    wait_for_a_held_tick();
    before = ticks(0);
    altpv::safe_halt();
    altpv::irq_disable();
    // At least the held one (the next period's may follow before the
    // disable); that the sleep itself cannot miss an event raised before it
    // is the VMM's VcpuEvents contract, tested there.
    observe("safe_halt with one held handled it", ticks(0) > before);
    EXPECT_TRUE(ticks(0) >= before + 1);
  }
  // halt with interrupts enabled wakes on the next tick.
  altpv::irq_enable();
  before = ticks(0);
  altpv::halt();
  altpv::irq_disable();
  EXPECT_TRUE(ticks(0) > before);
  __atomic_store_n(&stop_ap, true, __ATOMIC_RELEASE);
}

GUEST_TEST("priv.irq", priv_irq);

// ---- Page tables -------------------------------------------------------------

constexpr std::uint64_t k2M = std::uint64_t{2} << 20;
constexpr std::uint64_t kAddressMask = 0x000ffffffffff000;
constexpr std::uint64_t kPresentWritable = 0x3;
constexpr std::uint64_t kPageSize = 1u << 7;  // PS: the entry maps 2 MiB

std::uint64_t* table_at(std::uint64_t entry) {
  return reinterpret_cast<std::uint64_t*>(entry & kAddressMask);
}

std::uint64_t* pde_of(std::uint64_t cr3, std::uint64_t va) {
  std::uint64_t* pml4 = table_at(cr3);
  std::uint64_t* pdpt = table_at(pml4[(va >> 39) & 511]);
  std::uint64_t* pd = table_at(pdpt[(va >> 30) & 511]);
  return &pd[(va >> 21) & 511];
}

std::uint64_t read_at(std::uint64_t va) {
  return *reinterpret_cast<volatile std::uint64_t*>(va);
}

// A second tree for CR3: copies of the three levels down to V's directory.
alignas(4096) constinit std::uint64_t other_tree[3][512] = {};

void priv_mmu() {
  // Three 2 MiB frames at the top of RAM, above the image, which nothing
  // else uses: V is remapped to A or B.
  const std::uint64_t top = ram_end() & ~(k2M - 1);
  ASSERT_TRUE(top >= reinterpret_cast<std::uintptr_t>(__image_end) + 4 * k2M);
  const std::uint64_t va = top - 3 * k2M, a = top - 2 * k2M, b = top - k2M;
  *reinterpret_cast<volatile std::uint64_t*>(a) = 0xaaaa'0000'aaaa'0001;
  *reinterpret_cast<volatile std::uint64_t*>(b) = 0xbbbb'0000'bbbb'0002;

  const std::uint64_t cr3 = altpv::read_cr3();
  std::uint64_t* pde = pde_of(cr3, va);
  const std::uint64_t identity = *pde;
  ASSERT_TRUE((identity & kPageSize) != 0 && (identity & kAddressMask) == va);
  const std::uint64_t flags = identity & ~kAddressMask;

  // A changed mapping, flushed, is seen.
  altpv::set_pte(pde, a | flags);
  altpv::flush_tlb_one(reinterpret_cast<const void*>(va));
  observe("va after set_pte a", read_at(va));
  EXPECT_EQ(read_at(va), read_at(a));
  altpv::set_pte(pde, b | flags);
  altpv::flush_tlb_one(reinterpret_cast<const void*>(va));
  observe("va after set_pte b", read_at(va));
  EXPECT_EQ(read_at(va), read_at(b));

  // Lazy mode: the write lands by leave at the latest.
  altpv::lazy_mmu_enter();
  altpv::set_pte(pde, a | flags);
  if (pv()) {
    EXPECT_EQ(pv_lazy_mmu_queued(), 1u);
    // Queued, not yet written: the entry still maps B (the CPU may have set
    // its accessed bit meanwhile).
    EXPECT_EQ(*pde & kAddressMask, b);
  }
  altpv::lazy_mmu_leave();
  EXPECT_EQ(pv_lazy_mmu_queued(), 0u);
  EXPECT_EQ(*pde & kAddressMask, a);
  altpv::flush_tlb_one(reinterpret_cast<const void*>(va));
  observe("va after lazy set_pte a", read_at(va));
  EXPECT_EQ(read_at(va), read_at(a));

  // A second tree, where V maps B: loading it into CR3 switches V.
  std::uint64_t* pml4 = table_at(cr3);
  std::uint64_t* pdpt = table_at(pml4[(va >> 39) & 511]);
  std::uint64_t* pd = table_at(pdpt[(va >> 30) & 511]);
  for (int i = 0; i < 512; ++i) {
    other_tree[0][i] = pml4[i];
    other_tree[1][i] = pdpt[i];
    other_tree[2][i] = pd[i];
  }
  const auto phys = [](const void* p) { return reinterpret_cast<std::uintptr_t>(p); };
  other_tree[0][(va >> 39) & 511] = phys(other_tree[1]) | kPresentWritable;
  other_tree[1][(va >> 30) & 511] = phys(other_tree[2]) | kPresentWritable;
  other_tree[2][(va >> 21) & 511] = b | flags;
  const std::uint64_t other = phys(other_tree[0]) | (cr3 & ~kAddressMask);
  altpv::write_cr3(other);
  observe("cr3 after write_cr3 other", altpv::read_cr3());
  observe("va under the other tree", read_at(va));
  EXPECT_EQ(altpv::read_cr3(), other);
  EXPECT_EQ(read_at(va), read_at(b));
  altpv::write_cr3(cr3);
  observe("cr3 after write_cr3 back", altpv::read_cr3());
  observe("va under the first tree", read_at(va));
  EXPECT_EQ(altpv::read_cr3(), cr3);
  EXPECT_EQ(read_at(va), read_at(a));

  altpv::set_pte(pde, identity);
  altpv::flush_tlb_one(reinterpret_cast<const void*>(va));
  altpv::wbinvd();
  EXPECT_EQ(*pde, identity);
}

GUEST_TEST("priv.mmu", priv_mmu);

// ---- Lazy MMU on two vCPUs at once ---------------------------------------------

// One scratch entry per vCPU: MmuUpdate writes any 8-aligned word in RAM as
// it would a page-table entry.
constexpr std::uint64_t kBspValue = 0xb5b5'0000'0000'0001, kApValue = 0xa9a9'0000'0000'0002;
constinit std::uint64_t bsp_pte = 0, ap_pte = 0;
// What the AP's queue held before and after its leave; whether it is done.
constinit std::uint32_t ap_queued_before_leave = 0, ap_queued_after_leave = 0;
constinit bool ap_left = false;

std::uint64_t load_pte(const std::uint64_t& pte) {
  return __atomic_load_n(&pte, __ATOMIC_ACQUIRE);
}

// Runs while the BSP is in lazy mode with its own update queued.
void ap_lazy_mmu(std::uint64_t) {
  altpv::lazy_mmu_enter();
  altpv::set_pte(&ap_pte, kApValue);
  ap_queued_before_leave = pv_lazy_mmu_queued();
  altpv::lazy_mmu_leave();
  ap_queued_after_leave = pv_lazy_mmu_queued();
  __atomic_store_n(&ap_left, true, __ATOMIC_RELEASE);
}

// The BSP enters lazy mode and queues an update; an AP enters, queues its
// own and leaves: its update lands, the BSP's stays queued (pv). Then the
// BSP leaves and its update lands. Natively lazy mode is a NOP and each
// update lands at once: the values seen after each leave are the same.
void priv_lazy_mmu() {
  const std::uint32_t vcpus = boot_info().vcpu_count;
  if (vcpus < 2) GUEST_SKIP("needs a second vCPU in lazy mode at the same time");
  // The last vCPU: priv.irq, in the same boot, takes vCPU 1.
  const std::uint32_t ap = vcpus - 1;

  altpv::lazy_mmu_enter();
  altpv::set_pte(&bsp_pte, kBspValue);
  const altpv::testbed::HypercallError started = start_ap(ap, ap_lazy_mmu, 0);
  const bool left = started == altpv::testbed::HypercallError::Ok &&
                    wait_for<kMaxSpins>([] { return __atomic_load_n(&ap_left, __ATOMIC_ACQUIRE); });
  // Still in lazy mode (a failed check returns only after the leave).
  const std::uint64_t ap_after_its_leave = load_pte(ap_pte);
  const std::uint64_t bsp_before_leave = load_pte(bsp_pte);
  const std::uint32_t bsp_queued_before_leave = pv_lazy_mmu_queued();
  altpv::lazy_mmu_leave();

  ASSERT_EQ(started, altpv::testbed::HypercallError::Ok);
  ASSERT_TRUE(left);
  observe("ap entry after the ap's leave", ap_after_its_leave);
  EXPECT_EQ(ap_after_its_leave, kApValue);
  EXPECT_EQ(ap_queued_after_leave, 0u);
  if (pv()) {
    // The AP's queue held only its own update; the BSP's stayed queued in
    // the BSP's.
    EXPECT_EQ(ap_queued_before_leave, 1u);
    EXPECT_EQ(bsp_queued_before_leave, 1u);
    EXPECT_EQ(bsp_before_leave, 0u);
  } else {
    EXPECT_EQ(bsp_before_leave, kBspValue);  // natively set_pte is a store
  }
  observe("bsp entry after the bsp's leave", load_pte(bsp_pte));
  EXPECT_EQ(load_pte(bsp_pte), kBspValue);
  EXPECT_EQ(load_pte(ap_pte), kApValue);
  EXPECT_EQ(pv_lazy_mmu_queued(), 0u);
}

GUEST_TEST_REQUIRES("priv.lazy_mmu", priv_lazy_mmu, Testbed);

// ---- Stub registers ------------------------------------------------------------

using altpv::NativeRegs;
using altpv::testing::Reg;
using altpv::testing::reg_bit;

struct StubCase {
  const char* name;
  std::uint16_t op;
  unsigned outputs;  // registers the op may change
};

// safe_halt is left out: its stub sleeps until an event.
constexpr StubCase kStubs[] = {
    {"restore_fl", ALTPV_OP_RESTORE_FL, 0},
    {"write_cr3", ALTPV_OP_WRITE_CR3, 0},
    {"flush_tlb_one", ALTPV_OP_FLUSH_TLB_ONE, 0},
    {"wbinvd", ALTPV_OP_WBINVD, 0},
    {"set_pte", ALTPV_OP_SET_PTE, 0},
    {"lazy_mmu_enter", ALTPV_OP_LAZY_MMU_ENTER, 0},
    {"lazy_mmu_leave", ALTPV_OP_LAZY_MMU_LEAVE, 0},
};

constexpr int kRounds = 8;

void report_changed(const char* name, const char* changed) {
  char buf[120];
  altpv::TextBuffer msg(buf, sizeof buf);
  msg.str("stub ").str(name).str(": registers changed: ").str(changed);
  record_failure(msg.view());
}

void priv_stub_registers() {
  const altpv::Backend& backend = pv_backend();
  altpv::testing::XorShift64 rng{0x9e37};
  const std::uint64_t entry_flags = altpv::save_fl();
  const std::uint64_t cr3 = altpv::read_cr3();
  std::uint64_t scratch_pte = 0;
  unsigned checked = 0;
  for (const StubCase& s : kStubs) {
    const altpv::SiteCode code =
        backend.code(altpv::CallSite{s.op, 0, false, altpv::AltKind::Call, 5});
    EXPECT_TRUE(code.form == altpv::SiteCode::Form::Call);
    if (code.form != altpv::SiteCode::Form::Call) continue;
    ++checked;
    for (int round = 0; round < kRounds; ++round) {
      NativeRegs before = altpv::testing::random_regs(rng);
      // Inputs that keep the machine running: the current CR3, a scratch
      // entry; restore_fl and the others take any value.
      if (s.op == ALTPV_OP_WRITE_CR3) before.rdi = cr3;
      if (s.op == ALTPV_OP_SET_PTE) before.rdi = reinterpret_cast<std::uintptr_t>(&scratch_pte);
      NativeRegs after = before;
      guest_call_with_regs(&after, code.stub);
      const auto changed = altpv::testing::changed_registers(before, after, s.outputs);
      if (changed.text[0] != '\0') report_changed(s.name, changed.text);
      // Under pv the stub did the op: a set_pte outside lazy mode is written.
      if (s.op == ALTPV_OP_SET_PTE && pv()) EXPECT_EQ(scratch_pte, before.rsi);
    }
  }
  // lazy_mmu_leave ran last: not in lazy mode. The flags as they were.
  altpv::restore_fl(entry_flags);
  Line().out().str("priv.stub_registers: ").dec(checked).str(" stubs checked");

  // The broken stub loses rax: the same check must say so.
  NativeRegs before = altpv::testing::random_regs(rng);
  NativeRegs after = before;
  guest_call_with_regs(&after, guest_pv_wbinvd_broken);
  const auto changed = altpv::testing::changed_registers(before, after, 0);
  EXPECT_TRUE(changed.text[0] == 'r' && changed.text[1] == 'a' && changed.text[2] == 'x' &&
              changed.text[3] == ' ' && changed.text[4] == '\0');
}

GUEST_TEST("priv.stub_registers", priv_stub_registers);

}  // namespace
}  // namespace altpv::guest
