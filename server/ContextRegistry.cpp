#include "server/ContextRegistry.h"

#include "server/drm/DrmContextType.h"
#include "server/venus/VenusContextType.h"
#include "server/virgl/VirglContextType.h"

namespace rendersock::server {

ContextRegistry::ContextRegistry(const Options& options) {
    types_.push_back(std::make_unique<venus::VenusContextType>(options));
    types_.push_back(std::make_unique<virgl::VirglContextType>(options));
    types_.push_back(std::make_unique<drm::DrmContextType>(options));
}

ContextRegistry::~ContextRegistry() = default;

void ContextRegistry::probe_in_child_processes() {
    for (auto& type : types_) type->probe_in_child_process();
}

std::vector<ContextType*> ContextRegistry::available() {
    std::vector<ContextType*> result;
    for (auto& type : types_)
        if (!type->unavailable_reason()) result.push_back(type.get());
    return result;
}

std::vector<ContextType*> ContextRegistry::all() {
    std::vector<ContextType*> result;
    for (auto& type : types_) result.push_back(type.get());
    return result;
}

ContextType* ContextRegistry::find_available(fb::CapsetType capset) {
    for (auto& type : types_)
        if (type->capset() == capset && !type->unavailable_reason()) return type.get();
    return nullptr;
}

std::string ContextRegistry::refusal(fb::CapsetType capset) {
    for (auto& type : types_)
        if (type->capset() == capset)
            if (auto reason = type->unavailable_reason())
                return std::string(type->name()) + " contexts are not available on this host: " +
                       *reason;
    switch (capset) {
        case fb::CapsetType::Virgl:
            return "virgl (OpenGL) contexts are not implemented by this server yet";
        default:
            return "unknown capset type " + std::to_string(static_cast<uint32_t>(capset));
    }
}

const char* capset_name(fb::CapsetType capset) {
    switch (capset) {
        case fb::CapsetType::Virgl: return "virgl";
        case fb::CapsetType::Venus: return "venus";
        case fb::CapsetType::Drm: return "drm";
        default: return "unknown";
    }
}

}  // namespace rendersock::server
