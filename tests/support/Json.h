#pragma once
// Just enough JSON for tests to read what the server reports (its stats
// line): objects, arrays, strings without \u escapes, numbers, true, false,
// null. Throws std::runtime_error on anything else.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace rendersock::testing {

class Json {
  public:
    enum class Kind { Null, Bool, Number, String, Array, Object };

    static Json parse(std::string_view text);

    Kind kind() const { return kind_; }
    // The member `key` of an object; throws when there is none.
    const Json& operator[](const std::string& key) const;
    bool has(const std::string& key) const { return members_.count(key) != 0; }
    const std::vector<Json>& items() const { return items_; }
    uint64_t u64() const;
    const std::string& str() const { return text_; }
    bool boolean() const { return kind_ == Kind::Bool && text_ == "true"; }

  private:
    friend class JsonParser;
    Kind kind_ = Kind::Null;
    std::string text_;  // a string's value, or a number's or literal's spelling
    std::vector<Json> items_;
    std::map<std::string, Json> members_;
};

}  // namespace rendersock::testing
