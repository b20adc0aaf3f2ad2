// SPDX-License-Identifier: MIT
// The machines the testbed is booted as: a CPU model (which MSR
// instructions the VMM advertises) and a hypervisor personality.
#pragma once

#include <string>
#include <vector>

namespace altpv::demo {

struct CpuModel {
  std::string name;     // "base", "wrmsrns", "wrmsrns+msr_imm"
  std::string cpu_arg;  // altpv-vmm --cpu
  bool wrmsrns = false;
  bool msr_imm = false;
};

enum class Personality { Hvm, Pv };

struct TestbedConfig {
  CpuModel model;
  Personality hv = Personality::Hvm;

  std::string hv_name() const { return hv == Personality::Hvm ? "hvm" : "pv"; }
  std::string name() const { return model.name + "/" + hv_name(); }
};

// base clears both bits explicitly, so a host that has them still boots
// the model without them.
const std::vector<CpuModel>& cpu_models();

// Every model under hvm, then every model under pv.
std::vector<TestbedConfig> all_configs();

}  // namespace altpv::demo
