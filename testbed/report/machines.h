// SPDX-License-Identifier: MIT
// The machines the testbed is booted as (docs/demo.md, "Machines"): one of
// three CPU models, which differ in the MSR instructions the VMM advertises,
// under one of two hypervisor personalities. Every check in this library is
// made for one machine, and derives what it expects from these fields.
#pragma once

#include <string>
#include <vector>

namespace altpv::testbed::report {

// A CPU model as `altpv-vmm --cpu` selects it.
struct CpuModelSpec {
  std::string name;     // "base", "wrmsrns", "wrmsrns+msr_imm"
  std::string cpu_arg;  // the --cpu argument
  bool wrmsrns = false;
  bool msr_imm = false;
};

// The hypervisor personality, as `altpv-vmm --hv` selects it.
enum class Personality { Hvm, Pv };

struct MachineConfig {
  CpuModelSpec model;
  Personality hv = Personality::Hvm;

  std::string hv_name() const { return hv == Personality::Hvm ? "hvm" : "pv"; }
  std::string name() const { return model.name + "/" + hv_name(); }  // "wrmsrns/pv"
};

// base clears both bits explicitly, so that a host which has them still
// boots the model without them.
const std::vector<CpuModelSpec>& cpu_models();

// Every model under hvm, then every model under pv.
std::vector<MachineConfig> all_machines();

}  // namespace altpv::testbed::report
