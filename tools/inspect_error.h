// SPDX-License-Identifier: MIT
// Errors about the input: unreadable or malformed files and bad arguments.
// They end the command with a message naming the problem, never a crash.
#pragma once

#include <stdexcept>

namespace altpv::inspect {

class InspectError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace altpv::inspect
