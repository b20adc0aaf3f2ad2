// Strategy 6: what the paravirtual side pays. Each site holds the native
// instruction as its original and a call alternative under PV; patched with
// +pv it becomes `lea -128(%rsp),%rsp; call stub`, the stub saves every
// register and the vector state, the handler performs the op and writes the
// output register in the frame, and the stub returns with `ret $128`.
#include <cstdint>

#include "altpv/native_abi.h"
#include "altpv/site.h"
#include "native_stub.h"
#include "op_bodies.h"
#include "strategy.h"

extern "C" {

// Called only from the stubs' asm.
[[gnu::used]] void altpv_bench_cpu_number_handler(altpv::NativeRegs* regs) {
  regs->rcx = altpv::bench::rdpid_cpu_number();
}
[[gnu::used]] void altpv_bench_fs_base_handler(altpv::NativeRegs* regs) {
  regs->rax = altpv::bench::rdfsbase_fs_base();
}

void altpv_bench_cpu_number_stub();
void altpv_bench_fs_base_stub();
}

ALTPV_NATIVE_STUB(altpv_bench_cpu_number_stub, altpv_bench_cpu_number_handler);
ALTPV_NATIVE_STUB(altpv_bench_fs_base_stub, altpv_bench_fs_base_handler);

namespace altpv::bench {
namespace {

// The site's ABI is RDPID's: the result in rcx, nothing else written.
// always_inline: see altpv/cpu_ops.h.
[[gnu::always_inline]] inline std::uint64_t cpu_number() {
  std::uint64_t aux;
  asm volatile(ALTPV_SITE_BEGIN ALTPV_ALT_CALL(ALTPV_FEATURE_PV)
                   ALTPV_SITE_END(ALTPV_BENCH_OP_CPU_NUMBER, "rdpid %%rcx")
               : "=c"(aux));
  return aux & kCpuNumberMask;
}

// RDFSBASE's ABI, with the destination register fixed to rax.
[[gnu::always_inline]] inline std::uint64_t fs_base() {
  std::uint64_t base;
  asm volatile(ALTPV_SITE_BEGIN ALTPV_ALT_CALL(ALTPV_FEATURE_PV)
                   ALTPV_SITE_END(ALTPV_BENCH_OP_FS_BASE, "rdfsbase %%rax")
               : "=a"(base));
  return base;
}

class NativeStubBackend final : public Backend {
 public:
  const void* stub(std::uint16_t op, std::uint32_t, bool, AltKind kind) const override {
    if (kind != AltKind::CallSkipRedZone) return nullptr;
    switch (op) {
      case ALTPV_BENCH_OP_CPU_NUMBER:
        return reinterpret_cast<const void*>(&altpv_bench_cpu_number_stub);
      case ALTPV_BENCH_OP_FS_BASE:
        return reinterpret_cast<const void*>(&altpv_bench_fs_base_stub);
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
                           op_entry<cpu_number>(), op_entry<fs_base>()};

}  // namespace altpv::bench
