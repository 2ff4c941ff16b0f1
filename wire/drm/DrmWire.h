#pragma once
// The DRM context's command stream (capset Drm). See wire/drm/DRM_PROTOCOL.md
// for the rules; this header is the layout both sides compile against.
//
// A stream is a sequence of commands, each a DrmCommandHeader followed by
// its fixed-size body. Every command is answered: the reply stream holds,
// per command and in order, a DrmAnswer followed by the op's answer body
// (only when the answer's error is 0). A refused command (bad id, unknown
// format, a host ioctl that failed) is answered with an error and the
// context goes on; only a malformed stream (bad sizes, unknown op, fds that
// do not add up) ends the context.

#include <cstdint>

namespace rendersock::wire::drm {

inline constexpr uint32_t kDrmCapsetMagic = 0x4d524453;  // "SDRM"
inline constexpr uint32_t kDrmCapsetVersion = 1;

// What a capset query answers: the host device behind the context type.
struct DrmCapset {
    uint32_t magic;
    uint32_t version;
    char driver[32];       // DRM_IOCTL_VERSION name, e.g. "virtio_gpu"
    char description[64];  // DRM_IOCTL_VERSION desc
    char node[64];         // the render node's path on the host
    int32_t version_major, version_minor, version_patch;
    uint32_t caps;         // DrmCap bits
};

enum DrmCap : uint32_t {
    kCapPrime = 1u << 0,             // buffers export as dma-bufs
    kCapSyncobj = 1u << 1,
    kCapSyncobjTimeline = 1u << 2,
    kCapGbm = 1u << 3,               // libgbm opened the node
    kCapDumb = 1u << 4,              // dumb buffers (the fallback allocator)
};

enum class DrmOp : uint32_t {
    QueryFormats = 1,       // -> DrmFormatsAnswer + count x DrmFormatModifier
    CreateBuffer = 2,       // DrmCreateBuffer -> DrmBufferAnswer
    ImportBuffer = 3,       // DrmImportBuffer + one fd (a dma-buf) -> DrmBufferAnswer
    DestroyBuffer = 4,      // DrmObjectId
    SyncobjCreate = 5,      // DrmSyncobjCreate
    SyncobjDestroy = 6,     // DrmObjectId
    SyncobjSignal = 7,      // DrmSyncobjPoint (point 0: binary signal)
    SyncobjWait = 8,        // DrmSyncobjWait + count x DrmSyncobjPoint -> DrmWaitAnswer
    SyncobjQuery = 9,       // DrmObjectId -> DrmQueryAnswer
    SyncobjExport = 10,     // DrmSyncobjPoint -> a sync_file fd with the reply
    SyncobjImport = 11,     // DrmSyncobjPoint + one fd (a sync_file)
    SyncobjReset = 12,      // DrmObjectId
    // Binding syncobjs to the context's ring timelines (FenceCreate on a
    // ring): fences created on the ring afterwards signal only once the
    // point has signalled...
    RingWaitSyncobj = 13,   // DrmRingSyncobj
    // ...and the point is signalled once everything before it on the ring
    // (earlier waits included) has.
    RingSignalSyncobj = 14, // DrmRingSyncobj
};

struct DrmCommandHeader {
    uint32_t op;          // DrmOp
    uint32_t body_bytes;  // bytes that follow this header for this command
};

struct DrmAnswer {
    uint32_t op;          // the op this answers
    int32_t error;        // 0, or a negative errno the host or the checks gave
    uint32_t body_bytes;  // bytes of answer body that follow
    uint32_t fd_count;    // fds that travel with the reply for this command
    char message[112];    // why, when error != 0
};

// Client-chosen ids name buffers and syncobjs; host handles never travel.
struct DrmObjectId {
    uint32_t id;
    uint32_t reserved;
};

struct DrmFormatsAnswer {
    uint32_t count;
    uint32_t reserved;
};

struct DrmFormatModifier {
    uint32_t format;    // DRM fourcc
    uint32_t reserved;
    uint64_t modifier;  // DRM_FORMAT_MOD_*
};

enum DrmBufferUsage : uint32_t {
    kUsageScanout = 1u << 0,
    kUsageRendering = 1u << 1,
    kUsageLinear = 1u << 2,
};

struct DrmCreateBuffer {
    uint32_t id;
    uint32_t width;
    uint32_t height;
    uint32_t format;    // DRM fourcc
    uint64_t modifier;  // DRM_FORMAT_MOD_INVALID: the allocator chooses
    uint32_t usage;     // DrmBufferUsage
    uint32_t reserved;
};

struct DrmImportBuffer {
    uint32_t id;
    uint32_t reserved;
    uint64_t size;  // bytes the client will map; at most the dma-buf's size
};

enum class DrmAllocator : uint32_t { Gbm = 1, Dumb = 2, Imported = 3 };

struct DrmBufferAnswer {
    uint32_t id;
    uint32_t allocator;  // DrmAllocator
    uint64_t size;       // bytes: what BlobCreate with object_id = id may map
    uint64_t modifier;
    uint32_t stride;
    uint32_t offset;
};

enum DrmSyncobjFlags : uint32_t {
    kSyncobjCreateSignaled = 1u << 0,
};

struct DrmSyncobjCreate {
    uint32_t id;
    uint32_t flags;  // DrmSyncobjFlags
};

struct DrmSyncobjPoint {
    uint32_t id;
    uint32_t reserved;
    uint64_t point;  // 0 on a binary syncobj
};

enum DrmWaitFlags : uint32_t {
    kWaitAll = 1u << 0,            // every point, not just one
    kWaitForSubmit = 1u << 1,      // wait for a fence to appear at the point
};

// Waits block the client's own serving thread; the server caps a single
// wait at kMaxWaitNanoseconds (clients loop for longer ones).
inline constexpr int64_t kMaxWaitNanoseconds = 5'000'000'000;
inline constexpr uint32_t kMaxWaitPoints = 64;

struct DrmSyncobjWait {
    int64_t timeout_ns;  // relative; 0 polls
    uint32_t count;      // DrmSyncobjPoint entries that follow
    uint32_t flags;      // DrmWaitFlags
};

struct DrmWaitAnswer {
    uint32_t first_signalled;  // index of a signalled point (not kWaitAll)
    uint32_t reserved;
};

struct DrmRingSyncobj {
    uint32_t ring;
    uint32_t id;     // syncobj
    uint64_t point;  // 0 on a binary syncobj
};

struct DrmQueryAnswer {
    uint64_t point;  // last signalled timeline point
};

// Per-context caps on what a client may hold.
inline constexpr uint32_t kMaxBuffers = 4096;
inline constexpr uint32_t kMaxSyncobjs = 4096;
inline constexpr uint32_t kMaxDimension = 16384;
inline constexpr uint32_t kMaxRingWaits = 256;

}  // namespace rendersock::wire::drm
