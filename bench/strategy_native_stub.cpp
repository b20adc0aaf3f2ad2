// SPDX-License-Identifier: MIT
// Strategy 6: what the paravirtual side pays. Each site holds the native
// instruction as its original and a call alternative under PV; patched with
// +pv it becomes `lea -128(%rsp),%rsp; call stub`, the stub saves every
// register and the vector state, the handler performs the op and writes the
// output register in the frame, and the stub returns with `ret $128`.
// Strategy 7 is the same with a stub that skips XSAVE, which is allowed
// because the handlers are general-registers-only.
#include <cstdint>

#include "altpv/native_abi.h"
#include "altpv/site.h"
#include "native_stub.h"
#include "op_bodies.h"
#include "pv_sites.h"
#include "strategy.h"

extern "C" {

// Called only from the stubs' asm. General-registers-only, so both stub
// flavours may call them.
[[gnu::used, gnu::target("general-regs-only")]] void altpv_bench_cpu_number_handler(
    altpv::NativeRegs* regs) {
  regs->rcx = altpv::bench::rdpid_cpu_number();
}
[[gnu::used, gnu::target("general-regs-only")]] void altpv_bench_fs_base_handler(
    altpv::NativeRegs* regs) {
  regs->rax = altpv::bench::rdfsbase_fs_base();
}

void altpv_bench_cpu_number_stub();
void altpv_bench_fs_base_stub();
void altpv_bench_cpu_number_gpr_stub();
void altpv_bench_fs_base_gpr_stub();
}

ALTPV_NATIVE_STUB(altpv_bench_cpu_number_stub, altpv_bench_cpu_number_handler);
ALTPV_NATIVE_STUB(altpv_bench_fs_base_stub, altpv_bench_fs_base_handler);
ALTPV_NATIVE_STUB_RZ_GENERAL_REGS(altpv_bench_cpu_number_gpr_stub, altpv_bench_cpu_number_handler);
ALTPV_NATIVE_STUB_RZ_GENERAL_REGS(altpv_bench_fs_base_gpr_stub, altpv_bench_fs_base_handler);

namespace altpv::bench {
namespace {

class NativeStubBackend final : public Backend {
 public:
  const void* stub(std::uint16_t op, std::uint32_t, bool, AltKind kind) const override {
    if (kind != AltKind::CallSkipRedZone) return nullptr;
    if (op == pv_op(StubKind::FullFrame, false)) {
      return reinterpret_cast<const void*>(&altpv_bench_cpu_number_stub);
    }
    if (op == pv_op(StubKind::FullFrame, true)) {
      return reinterpret_cast<const void*>(&altpv_bench_fs_base_stub);
    }
    if (op == pv_op(StubKind::FullFrameGpr, false)) {
      return reinterpret_cast<const void*>(&altpv_bench_cpu_number_gpr_stub);
    }
    if (op == pv_op(StubKind::FullFrameGpr, true)) {
      return reinterpret_cast<const void*>(&altpv_bench_fs_base_gpr_stub);
    }
    return is_pv_op(op) ? lean_stub(op) : nullptr;
  }
  const char* name() const override { return "bench-native-stub"; }
};

const NativeStubBackend kBackend;

}  // namespace

const Backend& native_stub_backend() {
  return kBackend;
}

const Strategy kNativeStub{"altpv_native_stub", "altpv pv site: full-frame stub + handler, XSAVE",
                           op_entry<cpu_number<pv_op(StubKind::FullFrame, false)>>(),
                           op_entry<fs_base<pv_op(StubKind::FullFrame, true)>>()};
const Strategy kNativeStubGpr{"altpv_native_stub_gpr",
                              "altpv pv site: full-frame stub, general-regs handler",
                              op_entry<cpu_number<pv_op(StubKind::FullFrameGpr, false)>>(),
                              op_entry<fs_base<pv_op(StubKind::FullFrameGpr, true)>>()};

}  // namespace altpv::bench
