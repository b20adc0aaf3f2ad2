// SPDX-License-Identifier: MIT
// The files a run writes: --msr-log during the run, --json and --dump-text at
// its end. All are opened before the guest starts, so that a path that cannot
// be written is a usage error (exit 2) and not a surprise after the run.
#pragma once

#include <fstream>
#include <stdexcept>

#include "msr_log.h"
#include "options.h"

namespace altpv::vmm {

// Names the option, the path and the reason.
class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct OutputFiles {
  MsrLog msr_log;           // discards everything without --msr-log
  std::ofstream json;       // open only with --json
  std::ofstream dump_text;  // open only with --dump-text
};

OutputFiles open_output_files(const Options& options);

}  // namespace altpv::vmm
