// SPDX-License-Identifier: MIT
// The #UD path of CPU-model emulation. On hosts where KVM raises #UD for an
// instruction the VMM's CPU model advertises (WRMSRNS, the MSR immediate
// forms), the guest hands its registers to the VMM, which emulates the
// instruction with the same decoder it uses for emulation failures.
#pragma once

#include "exception_frame.h"

namespace altpv::guest {

enum class InvalidOpcode {
  Emulated,           // the VMM executed it; frame updated, rip past it
  GeneralProtection,  // the access itself faults: deliver as #GP(0)
  Genuine,            // not an instruction the VMM emulates: a real #UD
};

InvalidOpcode emulate_invalid_opcode(ExceptionFrame& frame);

}  // namespace altpv::guest
