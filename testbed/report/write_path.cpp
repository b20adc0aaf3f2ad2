// SPDX-License-Identifier: MIT
#include "write_path.h"

#include <algorithm>
#include <array>

#include "abi/abi.h"

namespace altpv::demo {
namespace {

// Flavours that are always the serialising WRMSR natively.
constexpr std::array<std::string_view, 4> kSerialising = {"wrmsr", "wrmsr_const", "wrmsr_lohi",
                                                          "wrmsr_safe"};
// wrmsr_ns with the index in ecx: WRMSRNS or CS WRMSR, never the imm form.
constexpr std::string_view kNsVariable = "wrmsr_ns";
// wrmsr_ns with a constant index: WRMSRNS imm, WRMSRNS, or CS WRMSR.
constexpr std::array<std::string_view, 2> kNsConstant = {"wrmsr_ns_const", "wrmsr_ns_safe_const"};

bool contains(const auto& list, std::string_view op) {
  return std::find(list.begin(), list.end(), op) != list.end();
}

// The guest's PV policy (guest/pv_backend.cpp, docs/guest.md).
WritePath pv_path(std::uint32_t msr) {
  if (pv_drops(msr)) return WritePath::Dropped;
  if (msr == msr::kIa32TscAux.index) return WritePath::Trap;  // pass-through
  return WritePath::Hypercall;
}

WritePath native_path(std::string_view op, const CpuModel& model) {
  if (op == kNsVariable) return model.wrmsrns ? WritePath::EmulatedInsn : WritePath::Trap;
  if (contains(kNsConstant, op)) {
    return model.wrmsrns || model.msr_imm ? WritePath::EmulatedInsn : WritePath::Trap;
  }
  return WritePath::Trap;
}

}  // namespace

std::string_view path_name(WritePath path) {
  switch (path) {
    case WritePath::Trap:
      return "trap";
    case WritePath::EmulatedInsn:
      return "emulated-insn";
    case WritePath::Hypercall:
      return "hypercall";
    case WritePath::Dropped:
      break;
  }
  return "dropped";
}

bool pv_drops(std::uint32_t msr) {
  return msr == testbed::kMsr3.index;
}

bool known_write_op(std::string_view op) {
  return contains(kSerialising, op) || op == kNsVariable || contains(kNsConstant, op);
}

WritePath expected_path(const ExpectedWrite& write, const TestbedConfig& config) {
  if (config.hv == Personality::Pv) return pv_path(write.msr);
  return native_path(write.op, config.model);
}

}  // namespace altpv::demo
