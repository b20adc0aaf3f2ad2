// SPDX-License-Identifier: MIT
// Fuzz target: altpv-inspect's ELF reading and layout (ElfFile, SiteImage),
// then every subcommand on the result. The input is an ELF file. Malformed
// input must end in an InspectError, the "clear message" path; any other
// exception (such as the bad optional access a NOBITS section once caused),
// crash or sanitizer report is a bug.
#include <cstdio>
#include <exception>

#include "commands.h"
#include "elf_file.h"
#include "fuzz_input.h"
#include "inspect_error.h"
#include "inspected_file.h"

namespace {

using namespace altpv;
using namespace altpv::inspect;

std::FILE* sink() {
  static std::FILE* f = std::fopen("/dev/null", "w");
  return f;
}

void run_every_command(const InspectedFile& f) {
  std::FILE* out = sink();
  for (const bool json : {false, true}) {
    print_list(f, ListOptions{"", json}, out, out);
    print_check(f, CheckOptions{"", json}, out);
    const PlanOptions plan{"", "", json, !json};
    print_plan(f, FeatureSet{}, plan, out, out);
    print_plan(f, FeatureSet{~std::uint64_t{0}}, plan, out, out);
  }
  print_diff(f, f, out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const InspectedFile f(ElfFile::parse("fuzz.elf", {data, data + size}));
    run_every_command(f);
  } catch (const InspectError&) {
    // The clear-message path: bad input named as such.
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz: unexpected exception: %s\n", e.what());
    altpv::fuzz::require(false, "an error other than InspectError escaped");
  }
  return 0;
}
