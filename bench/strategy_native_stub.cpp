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

// clang-format off
// The site's ABI is RDPID's: the result in rcx, nothing else written.
// always_inline: see altpv/cpu_ops.h. `Op` picks the stub flavour.
template <std::uint16_t Op>
[[gnu::always_inline]] inline std::uint64_t cpu_number() {
  std::uint64_t aux;
  asm volatile(ALTPV_SITE_BEGIN ALTPV_ALT_CALL(ALTPV_FEATURE_PV)
                   ALTPV_SITE_END(%c[op], "rdpid %%rcx")
               : "=c"(aux)
               : [op] "i"(Op));
  return aux & kCpuNumberMask;
}

// RDFSBASE's ABI, with the destination register fixed to rax.
template <std::uint16_t Op>
[[gnu::always_inline]] inline std::uint64_t fs_base() {
  std::uint64_t base;
  asm volatile(ALTPV_SITE_BEGIN ALTPV_ALT_CALL(ALTPV_FEATURE_PV)
                   ALTPV_SITE_END(%c[op], "rdfsbase %%rax")
               : "=a"(base)
               : [op] "i"(Op));
  return base;
}

// clang-format on

class NativeStubBackend final : public Backend {
 public:
  const void* stub(std::uint16_t op, std::uint32_t, bool, AltKind kind) const override {
    if (kind != AltKind::CallSkipRedZone) return nullptr;
    switch (op) {
      case ALTPV_BENCH_OP_CPU_NUMBER:
        return reinterpret_cast<const void*>(&altpv_bench_cpu_number_stub);
      case ALTPV_BENCH_OP_FS_BASE:
        return reinterpret_cast<const void*>(&altpv_bench_fs_base_stub);
      case ALTPV_BENCH_OP_CPU_NUMBER_GPR:
        return reinterpret_cast<const void*>(&altpv_bench_cpu_number_gpr_stub);
      case ALTPV_BENCH_OP_FS_BASE_GPR:
        return reinterpret_cast<const void*>(&altpv_bench_fs_base_gpr_stub);
      default:
        return nullptr;
    }
  }
  const char* name() const override { return "bench-native-stub"; }
};

const NativeStubBackend kBackend;

}  // namespace

const Backend& native_stub_backend() {
  return kBackend;
}

const Strategy kNativeStub{"altpv_native_stub", "altpv pv site: native-ABI stub + handler",
                           op_entry<cpu_number<ALTPV_BENCH_OP_CPU_NUMBER>>(),
                           op_entry<fs_base<ALTPV_BENCH_OP_FS_BASE>>()};
const Strategy kNativeStubGpr{"altpv_native_stub_gpr",
                              "altpv pv site: native-ABI stub, general-regs handler (no XSAVE)",
                              op_entry<cpu_number<ALTPV_BENCH_OP_CPU_NUMBER_GPR>>(),
                              op_entry<fs_base<ALTPV_BENCH_OP_FS_BASE_GPR>>()};

}  // namespace altpv::bench
