#include "tests/bench/BenchReport.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace rendersock::bench {
namespace {

std::string format_value(double value) {
    char text[64];
    if (value != 0 && (std::fabs(value) >= 1e6 || std::fabs(value) < 1e-3)) {
        std::snprintf(text, sizeof(text), "%.4g", value);
    } else if (std::fabs(value) >= 1000) {
        std::snprintf(text, sizeof(text), "%.0f", value);
    } else {
        std::snprintf(text, sizeof(text), "%.3f", value);
    }
    return text;
}

std::string json_string(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char escaped[8];
                    std::snprintf(escaped, sizeof(escaped), "\\u%04x", c);
                    out += escaped;
                } else {
                    out += c;
                }
        }
    }
    return out + "\"";
}

std::string json_number(double value) {
    if (!std::isfinite(value)) return "null";
    char text[64];
    std::snprintf(text, sizeof(text), "%.6g", value);
    return text;
}

}  // namespace

std::string Target::describe() const {
    return (kind == Kind::Below ? "< " : ">= ") + format_value(bound);
}

void Report::add(std::string name, double value, std::string unit, std::optional<Target> target) {
    results_.push_back({std::move(name), value, std::move(unit), target});
}

void Report::print_table(std::ostream& out) const {
    size_t name_width = 4;
    for (const auto& result : results_) name_width = std::max(name_width, result.name.size());
    char line[512];
    std::snprintf(line, sizeof(line), "%-*s %14s  %-7s %-10s %s\n", static_cast<int>(name_width),
                  "name", "value", "unit", "target", "met");
    out << line << std::string(name_width + 45, '-') << '\n';
    for (const auto& result : results_) {
        const std::string target = result.target ? result.target->describe() : "";
        const char* met = !result.target ? "" : result.target->met_by(result.value) ? "yes" : "NO";
        std::snprintf(line, sizeof(line), "%-*s %14s  %-7s %-10s %s\n",
                      static_cast<int>(name_width), result.name.c_str(),
                      format_value(result.value).c_str(), result.unit.c_str(), target.c_str(), met);
        out << line;
    }
}

void Report::write_json(std::ostream& out) const {
    out << "[\n";
    for (size_t i = 0; i < results_.size(); ++i) {
        const Result& result = results_[i];
        out << "  {\"name\": " << json_string(result.name)
            << ", \"value\": " << json_number(result.value)
            << ", \"unit\": " << json_string(result.unit);
        if (result.target) {
            out << ", \"target\": " << json_string(result.target->describe())
                << ", \"target_met\": " << (result.target->met_by(result.value) ? "true" : "false");
        }
        out << '}' << (i + 1 < results_.size() ? "," : "") << '\n';
    }
    out << "]\n";
}

int Report::missed_targets() const {
    return static_cast<int>(std::count_if(results_.begin(), results_.end(), [](const Result& r) {
        return r.target && !r.target->met_by(r.value);
    }));
}

double percentile(std::vector<double> samples, double pct) {
    if (samples.empty()) return 0;
    std::sort(samples.begin(), samples.end());
    const double rank = std::ceil(pct / 100.0 * static_cast<double>(samples.size()));
    const size_t index = static_cast<size_t>(std::clamp(rank, 1.0, static_cast<double>(samples.size()))) - 1;
    return samples[index];
}

double mean(const std::vector<double>& samples) {
    if (samples.empty()) return 0;
    return std::accumulate(samples.begin(), samples.end(), 0.0) / static_cast<double>(samples.size());
}

}  // namespace rendersock::bench
