// SPDX-License-Identifier: MIT
#include "svg_chart.h"

#include <algorithm>
#include <fstream>

#include <fmt/format.h>

namespace altpv::demo {
namespace {

constexpr std::chrono::seconds kGnuplotTimeout{60};

// A clustered bar chart: one cluster per row label, one bar per column.
struct BarChart {
  std::string name;
  std::string title;
  std::string ylabel;
  std::vector<std::string> columns;
  std::vector<std::pair<std::string, std::vector<double>>> rows;
};

std::string script(const BarChart& c, const std::filesystem::path& svg) {
  double top = 0;
  for (const auto& row : c.rows) {
    for (double v : row.second) top = std::max(top, v);
  }
  // noenhanced: strategy names have underscores; headroom above the
  // tallest bar for the key; multi-line labels, unrotated (viewers rotate text unreliably).
  std::string s = fmt::format(
      "set terminal svg size 1700,600 dynamic noenhanced font 'sans,11'\n"
      "set output '{}'\n"
      "set title '{}'\nset ylabel '{}'\n"
      "set style data histograms\nset style histogram clustered gap 1\n"
      "set style fill solid 0.8 border -1\nset boxwidth 0.9\n"
      "set grid ytics\nset key top left\nset yrange [0:{}]\n"
      "set bmargin 6\nset xtics scale 0 font ',9'\n"
      "$data << EOD\n",
      svg.string(), c.title, c.ylabel, top * 1.2 + 1);
  s += "label";
  for (const std::string& col : c.columns) s += " \"" + col + "\"";
  s += "\n";
  for (const auto& [label, values] : c.rows) {
    s += "\"" + label + "\"";
    for (double v : values) s += fmt::format(" {}", v);
    s += "\n";
  }
  s += "EOD\nplot ";
  for (std::size_t i = 0; i < c.columns.size(); ++i) {
    s += fmt::format("{}$data using {}:xtic(1) title columnheader({})", i == 0 ? "" : ", ", i + 2,
                     i + 2);
  }
  return s + "\n";
}

// Guest instructions per op: one cluster per machine and op, one bar per
// strategy; `lookup` is MachineFindings::figure or ::privileged_figure.
using FigureLookup = const StrategyFigure* (MachineFindings::*)(std::string_view,
                                                                std::string_view) const;
BarChart insns_chart(std::string name, std::string title, const DemoFindings& r,
                     const std::vector<std::string>& strategies,
                     const std::vector<std::string>& ops, FigureLookup lookup) {
  BarChart c{std::move(name), std::move(title), "guest instructions per op", strategies, {}};
  for (const MachineFindings& m : r.machines) {
    for (const std::string& op : ops) {
      std::vector<double> values;
      for (const std::string& strategy : strategies) {
        const StrategyFigure* f = (m.*lookup)(strategy, op);
        values.push_back(f != nullptr ? static_cast<double>(f->insns) : 0);
      }
      // Three short lines: long single-line labels overlap their neighbours.
      c.rows.emplace_back(m.machine.model.name + "\\n" + m.machine.hv_name() + "\\n" + op, values);
    }
  }
  return c;
}

BarChart bench_chart(const BenchResults& b) {
  BarChart c{"host-ratio",
             "Host ns per call relative to hand-written inline asm (" + b.cpu + ")",
             "ns/call divided by inline asm",
             {},
             {}};
  std::vector<std::string> ops;
  for (const DispatchResult& d : b.dispatch) {
    if (std::find(ops.begin(), ops.end(), d.op) == ops.end()) ops.push_back(d.op);
  }
  c.columns = ops;
  std::vector<std::string> strategies;
  for (const DispatchResult& d : b.dispatch) {
    if (std::find(strategies.begin(), strategies.end(), d.strategy) == strategies.end()) {
      strategies.push_back(d.strategy);
    }
  }
  for (const std::string& strategy : strategies) {
    std::vector<double> values;
    for (const std::string& op : ops) {
      double v = 0;
      for (const DispatchResult& d : b.dispatch) {
        if (d.op == op && d.strategy == strategy && d.ratio) v = *d.ratio;
      }
      values.push_back(v);
    }
    c.rows.emplace_back(strategy, values);
  }
  return c;
}

}  // namespace

std::vector<std::filesystem::path> write_charts(const DemoFindings& findings,
                                                const std::filesystem::path& dir,
                                                CheckResult& result) {
  std::vector<BarChart> charts = {
      insns_chart("guest-insns", "Guest instructions per MSR op, by strategy (single-step count)",
                  findings, figure_strategies(), figure_ops(), &MachineFindings::figure),
      insns_chart("privileged-insns",
                  "Guest instructions per privileged op: altpv against pv_ops (single-step count)",
                  findings, privileged_strategies(), privileged_ops(),
                  &MachineFindings::privileged_figure)};
  if (findings.bench) charts.push_back(bench_chart(*findings.bench));
  std::vector<std::filesystem::path> written;
  for (const BarChart& chart : charts) {
    const std::filesystem::path gp = dir / (chart.name + ".gp");
    const std::filesystem::path svg = dir / (chart.name + ".svg");
    std::ofstream(gp) << script(chart, svg.filename());
    // Run in `dir` via a relative output name, so the .gp script is portable.
    const testbed::report::ChildOutcome run = testbed::report::run_child(
        {"gnuplot", "-e", "cd '" + dir.string() + "'", gp.string()}, kGnuplotTimeout);
    if (!run.exited() || run.exit_code != 0) {
      result.fail("gnuplot " + gp.string() + " failed: " + run.err);
      continue;
    }
    written.push_back(svg);
  }
  return written;
}

}  // namespace altpv::demo
