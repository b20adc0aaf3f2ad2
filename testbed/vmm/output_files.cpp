// SPDX-License-Identifier: MIT
#include "output_files.h"

#include <cerrno>
#include <cstring>
#include <system_error>

#include <fmt/format.h>

namespace altpv::vmm {
namespace {

void open_stream(std::ofstream& out, const char* option, const std::string& path,
                 std::ios::openmode mode) {
  errno = 0;
  out.open(path, mode | std::ios::trunc);
  if (!out) {
    throw OutputError(fmt::format("{} {}: cannot open for writing: {}", option, path,
                                  errno != 0 ? std::strerror(errno) : "unknown error"));
  }
}

}  // namespace

OutputFiles open_output_files(const Options& options) {
  OutputFiles files;
  if (!options.msr_log.empty()) {
    try {
      files.msr_log = MsrLog(options.msr_log);
    } catch (const std::system_error& e) {
      throw OutputError(fmt::format("--msr-log {}: cannot open for writing: {}", options.msr_log,
                                    e.code().message()));
    }
  }
  if (!options.json.empty()) open_stream(files.json, "--json", options.json, std::ios::out);
  if (!options.dump_text.empty()) {
    open_stream(files.dump_text, "--dump-text", options.dump_text,
                std::ios::out | std::ios::binary);
  }
  return files;
}

}  // namespace altpv::vmm
