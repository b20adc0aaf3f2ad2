// SPDX-License-Identifier: MIT
#include "bench_results.h"

#include "parse_error.h"

namespace altpv::demo {

BenchResults parse_bench_results(std::string_view text) {
  try {
    BenchResults r;
    r.document = nlohmann::json::parse(text);
    r.cpu = r.document.at("machine").at("cpu");
    for (const auto& d : r.document.at("dispatch")) {
      DispatchResult result{d.at("op"), d.at("strategy"), d.at("ns_per_call"), std::nullopt};
      if (!d.at("ratio").is_null()) result.ratio = d["ratio"].get<double>();
      r.dispatch.push_back(std::move(result));
    }
    return r;
  } catch (const std::exception& e) {
    throw ParseError(std::string("altpv-bench json: ") + e.what());
  }
}

}  // namespace altpv::demo
