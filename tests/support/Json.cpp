#include "tests/support/Json.h"

#include <cctype>
#include <stdexcept>

namespace rendersock::testing {

class JsonParser {
  public:
    explicit JsonParser(std::string_view text) : text_(text) {}

    Json document() {
        Json value = next_value();
        skip_space();
        if (at_ < text_.size()) fail("text after the value");
        return value;
    }

  private:
    [[noreturn]] void fail(const std::string& what) const {
        throw std::runtime_error("JSON: " + what + " at offset " + std::to_string(at_) +
                                 " of: " + std::string(text_.substr(0, 200)));
    }
    void skip_space() {
        while (at_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[at_]))) ++at_;
    }
    char peek() {
        skip_space();
        if (at_ >= text_.size()) fail("unexpected end");
        return text_[at_];
    }
    bool consume(char c) {
        if (peek() != c) return false;
        ++at_;
        return true;
    }
    void expect(char c) {
        if (!consume(c)) fail(std::string("expected '") + c + "'");
    }

    Json next_value() {
        const char c = peek();
        if (c == '{') return object();
        if (c == '[') return array();
        if (c == '"') return string();
        return scalar();
    }

    Json object() {
        Json json;
        json.kind_ = Json::Kind::Object;
        expect('{');
        if (consume('}')) return json;
        for (;;) {
            const std::string key = string().text_;
            expect(':');
            json.members_[key] = next_value();
            if (consume('}')) return json;
            expect(',');
        }
    }

    Json array() {
        Json json;
        json.kind_ = Json::Kind::Array;
        expect('[');
        if (consume(']')) return json;
        for (;;) {
            json.items_.push_back(next_value());
            if (consume(']')) return json;
            expect(',');
        }
    }

    Json string() {
        Json json;
        json.kind_ = Json::Kind::String;
        expect('"');
        while (at_ < text_.size() && text_[at_] != '"') {
            if (text_[at_] == '\\') {
                if (++at_ >= text_.size() || text_[at_] == 'u') fail("unsupported escape");
            }
            json.text_ += text_[at_++];
        }
        if (at_ >= text_.size()) fail("unterminated string");
        ++at_;
        return json;
    }

    Json scalar() {
        const size_t start = at_;
        while (at_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[at_])) ||
                                      text_[at_] == '-' || text_[at_] == '+' || text_[at_] == '.'))
            ++at_;
        Json json;
        json.text_ = std::string(text_.substr(start, at_ - start));
        if (json.text_ == "true" || json.text_ == "false")
            json.kind_ = Json::Kind::Bool;
        else if (json.text_ == "null")
            json.kind_ = Json::Kind::Null;
        else if (!json.text_.empty() &&
                 (std::isdigit(static_cast<unsigned char>(json.text_[0])) || json.text_[0] == '-'))
            json.kind_ = Json::Kind::Number;
        else
            fail("unexpected '" + json.text_ + "'");
        return json;
    }

    std::string_view text_;
    size_t at_ = 0;
};

Json Json::parse(std::string_view text) { return JsonParser(text).document(); }

const Json& Json::operator[](const std::string& key) const {
    auto it = members_.find(key);
    if (it == members_.end()) throw std::runtime_error("JSON: no member '" + key + "'");
    return it->second;
}

uint64_t Json::u64() const {
    if (kind_ != Kind::Number) throw std::runtime_error("JSON: '" + text_ + "' is not a number");
    return std::stoull(text_);
}

}  // namespace rendersock::testing
