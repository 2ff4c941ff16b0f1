#pragma once
// Collects benchmark figures and prints them as a table and as JSON.

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace rendersock::bench {

// A goal a figure should meet: below (or at least) `bound`.
struct Target {
    enum class Kind { Below, AtLeast };
    Kind kind;
    double bound;

    bool met_by(double value) const { return kind == Kind::Below ? value < bound : value >= bound; }
    std::string describe() const;  // "< 20", ">= 5"
};

struct Result {
    std::string name;
    double value = 0;
    std::string unit;
    std::optional<Target> target;
};

class Report {
public:
    void add(std::string name, double value, std::string unit,
             std::optional<Target> target = std::nullopt);
    const std::vector<Result>& results() const { return results_; }

    // Name, value, unit, target and whether it is met; aligned columns.
    void print_table(std::ostream& out) const;
    // [{"name":..., "value":..., "unit":..., "target":"< 20", "target_met":true}, ...]
    void write_json(std::ostream& out) const;
    // Number of targets not met.
    int missed_targets() const;

private:
    std::vector<Result> results_;
};

// Percentile (0..100) of `samples`, nearest rank; sorts a copy.
double percentile(std::vector<double> samples, double pct);
double mean(const std::vector<double>& samples);

}  // namespace rendersock::bench
