// SPDX-License-Identifier: MIT
// The subcommands of altpv-inspect. Each returns the process exit status and
// throws InspectError when its input is unreadable or malformed.
#pragma once

#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "altpv/features.h"
#include "inspected_file.h"

namespace altpv::inspect {

inline constexpr int kExitOk = 0;
inline constexpr int kExitProblems = 1;  // check/diff found problems; invalid records
inline constexpr int kExitBadInput = 2;  // unreadable or malformed input, bad arguments

// The --json text of `doc`. Names come from the file and need not be UTF-8:
// invalid bytes become U+FFFD instead of an exception.
inline std::string json_text(const nlohmann::json& doc) {
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

struct ListOptions {
  std::string file;
  bool json = false;
};

struct PlanOptions {
  std::string file;
  std::string features;  // "wrmsrns,hypervisor" or override syntax on the empty set
  bool json = false;
  bool symbols = true;  // put symbol+offset in each line
};

struct CheckOptions {
  std::string file;
  bool json = false;
};

struct DiffOptions {
  std::string file;
  std::string dump;
};

int run_list(const ListOptions& options, std::FILE* out);
int run_plan(const PlanOptions& options, std::FILE* out);
int run_check(const CheckOptions& options, std::FILE* out);
int run_diff(const DiffOptions& options, std::FILE* out);

// The same commands on files already read (the fuzz target parses its input
// once); the options' file names are not used. `err` gets the summary line
// of a failing list or plan (stderr for run_*).
int print_list(const InspectedFile& file, const ListOptions& options, std::FILE* out,
               std::FILE* err);
int print_plan(const InspectedFile& file, const FeatureSet& features, const PlanOptions& options,
               std::FILE* out, std::FILE* err);
int print_check(const InspectedFile& file, const CheckOptions& options, std::FILE* out);
int print_diff(const InspectedFile& file, const InspectedFile& dump, std::FILE* out);

}  // namespace altpv::inspect
