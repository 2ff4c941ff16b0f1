// VkFFT test and benchmark: an ordinary Vulkan application (it knows nothing
// of rendersock) that runs complex-to-complex single-precision FFTs with
// VkFFT (Debian's libvkfft-dev, Vulkan backend, shaders compiled at plan time
// by glslang) and checks them against a CPU reference in double precision.
//
// usage: vkfft_test --test
//        vkfft_test --bench [--min-time S] [--min-reps N] [--submit-ms MS]
//                           [--pairs-per-submit CASE=K,CASE=K...] [--cases CASE,CASE...]
//
// Memory: the FFT buffer is DEVICE_LOCAL (what a GPU application uses; on a
// discrete GPU the FFT then runs from VRAM), filled and read back through a
// HOST_VISIBLE|HOST_COHERENT staging buffer with vkCmdCopyBuffer.
//
// Checks, per case (both modes):
//   forward  max |X_gpu - X_ref| / max |X_ref|   (X_ref: CPU FFT in double)
//   l2       ||X_gpu - X_ref|| / ||X_ref||
//   bins     a few bins recomputed by a direct O(N) DFT sum (checks the CPU
//            reference itself), same relative measure
//   parseval |sum|X|^2 / N - sum|x|^2| / sum|x|^2
//   roundtrip max |inverse(forward(x)) - x| / max |x|  (normalized inverse)
// each against TOLERANCE (1e-4: single precision, errors are ~1e-7..1e-6).
//
// --bench: per case, a command buffer holding K (forward, inverse) pairs is
// recorded once; after a warm-up submit it is submitted repeatedly until at
// least --min-time seconds and --min-reps submits have been timed. Only the
// submit + fence wait is timed (no planning, shader compilation or copies).
// K is chosen so one submit takes about --submit-ms (per-submit overhead then
// matters little), or given with --pairs-per-submit (the compare script
// passes the native run's K to the rendersock run so both do the same work).
// GFLOP/s = 5 N log2(N) * batch * FFTs / seconds, N = x*y*z. The last stdout
// line is a JSON object {"fft_1d_1048576_gflops": ..., ...}; an earlier line
// "pairs_per_submit: {...}" gives the K used per case.
#include "vkfft_glslang_shim.h"  // VkFFT, built against Debian's glslang 12

#include "VulkanApp.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <numbers>
#include <random>
#include <string>
#include <vector>

namespace {

constexpr double TOLERANCE = 1e-4;

using cd = std::complex<double>;
using cf = std::complex<float>;

struct Case {
    std::string name;
    uint32_t dims;
    uint64_t size[3];
    uint64_t batch;

    uint64_t points() const { return size[0] * size[1] * size[2]; }
    uint64_t elements() const { return points() * batch; }
};

Case make_case(uint32_t dims, uint64_t x, uint64_t y, uint64_t z, uint64_t batch) {
    Case c{"", dims, {x, y, z}, batch};
    c.name = "fft_" + std::to_string(dims) + "d_" + std::to_string(x);
    if (dims > 1) c.name += "x" + std::to_string(y);
    if (dims > 2) c.name += "x" + std::to_string(z);
    if (batch > 1) c.name += "_b" + std::to_string(batch);
    return c;
}

// ---------------------------------------------------------------- CPU reference

bool is_pow2(uint64_t n) { return n && !(n & (n - 1)); }

// In-place forward DFT (exp(-2 pi i jk/n)) of one line, in double.
void dft_line(std::vector<cd>& a) {
    const size_t n = a.size();
    if (n <= 1) return;
    if (is_pow2(n)) {
        for (size_t i = 1, j = 0; i < n; ++i) {  // bit reversal
            size_t bit = n >> 1;
            for (; j & bit; bit >>= 1) j ^= bit;
            j ^= bit;
            if (i < j) std::swap(a[i], a[j]);
        }
        std::vector<cd> w(n / 2);
        for (size_t k = 0; k < n / 2; ++k)
            w[k] = std::polar(1.0, -2.0 * std::numbers::pi * static_cast<double>(k) / static_cast<double>(n));
        for (size_t len = 2; len <= n; len <<= 1) {
            const size_t step = n / len;
            for (size_t i = 0; i < n; i += len)
                for (size_t k = 0; k < len / 2; ++k) {
                    const cd u = a[i + k], v = a[i + k + len / 2] * w[k * step];
                    a[i + k] = u + v;
                    a[i + k + len / 2] = u - v;
                }
        }
        return;
    }
    std::vector<cd> w(n), out(n);  // naive, exact twiddles by index
    for (size_t k = 0; k < n; ++k)
        w[k] = std::polar(1.0, -2.0 * std::numbers::pi * static_cast<double>(k) / static_cast<double>(n));
    for (size_t k = 0; k < n; ++k) {
        cd sum = 0;
        for (size_t j = 0; j < n; ++j) sum += a[j] * w[(j * k) % n];
        out[k] = sum;
    }
    a = out;
}

// Forward multi-dimensional DFT of every batch (layout x fastest, then y, z, batch).
std::vector<cd> cpu_fft(const Case& c, const std::vector<cf>& input) {
    std::vector<cd> data(input.begin(), input.end());
    const uint64_t nx = c.size[0], ny = c.size[1], nz = c.size[2];
    const uint64_t stride[3] = {1, nx, nx * ny};
    const uint64_t extent[3] = {nx, ny, nz};
    std::vector<cd> line;
    for (uint64_t b = 0; b < c.batch; ++b) {
        cd* base = data.data() + b * c.points();
        for (uint32_t axis = 0; axis < c.dims; ++axis) {
            const uint64_t n = extent[axis], s = stride[axis];
            line.resize(n);
            for (uint64_t start = 0; start < c.points(); ++start) {
                if ((start / s) % n != 0) continue;  // first element of a line along this axis
                for (uint64_t i = 0; i < n; ++i) line[i] = base[start + i * s];
                dft_line(line);
                for (uint64_t i = 0; i < n; ++i) base[start + i * s] = line[i];
            }
        }
    }
    return data;
}

// One output bin by the direct definition, O(points).
cd direct_bin(const Case& c, const std::vector<cf>& input, uint64_t index) {
    const uint64_t nx = c.size[0], ny = c.size[1], nz = c.size[2];
    const uint64_t b = index / c.points(), r = index % c.points();
    const uint64_t kx = r % nx, ky = (r / nx) % ny, kz = r / (nx * ny);
    auto twiddles = [](uint64_t n, uint64_t k) {
        std::vector<cd> w(n);
        for (uint64_t j = 0; j < n; ++j)
            w[j] = std::polar(1.0, -2.0 * std::numbers::pi * static_cast<double>((j * k) % n) / static_cast<double>(n));
        return w;
    };
    const auto wx = twiddles(nx, kx), wy = twiddles(ny, ky), wz = twiddles(nz, kz);
    cd sum = 0;
    const cf* base = input.data() + b * c.points();
    for (uint64_t z = 0; z < nz; ++z)
        for (uint64_t y = 0; y < ny; ++y) {
            cd row = 0;
            for (uint64_t x = 0; x < nx; ++x) row += cd(base[(z * ny + y) * nx + x]) * wx[x];
            sum += row * wy[y] * wz[z];
        }
    return sum;
}

// ---------------------------------------------------------------- Vulkan / VkFFT

struct Buffer {
    VkBuffer buffer = VK_NULL_HANDLE;
    VkDeviceMemory memory = VK_NULL_HANDLE;
    void* mapped = nullptr;
};

Buffer make_buffer(const VulkanApp& vk, VkDeviceSize size, VkBufferUsageFlags usage, VkMemoryPropertyFlags flags) {
    Buffer result;
    VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    info.size = size;
    info.usage = usage;
    info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    VK_CHECK(vkCreateBuffer(vk.device, &info, nullptr, &result.buffer));
    VkMemoryRequirements requirements;
    vkGetBufferMemoryRequirements(vk.device, result.buffer, &requirements);
    result.memory = vk.allocate(requirements, flags);
    VK_CHECK(vkBindBufferMemory(vk.device, result.buffer, result.memory, 0));
    if (flags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT)
        VK_CHECK(vkMapMemory(vk.device, result.memory, 0, VK_WHOLE_SIZE, 0, &result.mapped));
    return result;
}

void destroy_buffer(const VulkanApp& vk, Buffer& b) {
    if (b.mapped) vkUnmapMemory(vk.device, b.memory);
    vkDestroyBuffer(vk.device, b.buffer, nullptr);
    vkFreeMemory(vk.device, b.memory, nullptr);
    b = Buffer{};
}

void barrier(VkCommandBuffer cb, VkPipelineStageFlags src_stage, VkAccessFlags src, VkPipelineStageFlags dst_stage,
             VkAccessFlags dst) {
    VkMemoryBarrier mb{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    mb.srcAccessMask = src;
    mb.dstAccessMask = dst;
    vkCmdPipelineBarrier(cb, src_stage, dst_stage, 0, 1, &mb, 0, nullptr, 0, nullptr);
}

constexpr VkAccessFlags SHADER_RW = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT;

struct Context {
    VulkanApp vk{"vkfft_test", VK_QUEUE_COMPUTE_BIT};
    VkCommandPool pool = vk.command_pool();
    VkFence fence = VK_NULL_HANDLE;  // VkFFT uses it during planning; we use it to time submits
    Context() {
        VkFenceCreateInfo info{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
        VK_CHECK(vkCreateFence(vk.device, &info, nullptr, &fence));
    }
    ~Context() {
        vkDestroyFence(vk.device, fence, nullptr);
        vkDestroyCommandPool(vk.device, pool, nullptr);
    }
    void submit_wait(VkCommandBuffer cb) const {
        VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
        submit.commandBufferCount = 1;
        submit.pCommandBuffers = &cb;
        VK_CHECK(vkQueueSubmit(vk.queue, 1, &submit, fence));
        VK_CHECK(vkWaitForFences(vk.device, 1, &fence, VK_TRUE, UINT64_MAX));
        VK_CHECK(vkResetFences(vk.device, 1, &fence));
    }
};

void begin(VkCommandBuffer cb) {
    VK_CHECK(vkResetCommandBuffer(cb, 0));
    VkCommandBufferBeginInfo info{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    VK_CHECK(vkBeginCommandBuffer(cb, &info));
}

struct Plan {
    std::unique_ptr<VkFFTApplication> app = std::make_unique<VkFFTApplication>();
    uint64_t buffer_size = 0;
    VkBuffer buffer = VK_NULL_HANDLE;
};

// direction: -1 forward, 1 inverse (normalized).
bool append(Plan& plan, VkCommandBuffer& cb, int direction) {
    VkFFTLaunchParams params{};
    params.commandBuffer = &cb;
    const VkFFTResult r = VkFFTAppend(plan.app.get(), direction, &params);
    if (r != VKFFT_SUCCESS) {
        std::fprintf(stderr, "VkFFTAppend(%d) failed: %d\n", direction, static_cast<int>(r));
        return false;
    }
    return true;
}

bool make_plan(Context& ctx, const Case& c, VkBuffer buffer, Plan& plan) {
    plan.buffer = buffer;
    plan.buffer_size = c.elements() * sizeof(cf);
    VkFFTConfiguration config{};
    config.FFTdim = c.dims;
    for (int i = 0; i < 3; ++i) config.size[i] = c.size[i];
    config.numberBatches = c.batch;
    config.physicalDevice = &ctx.vk.physical_device;
    config.device = &ctx.vk.device;
    config.queue = &ctx.vk.queue;
    config.commandPool = &ctx.pool;
    config.fence = &ctx.fence;
    config.isCompilerInitialized = 1;  // main() owns glslang's process state
    config.buffer = &plan.buffer;
    config.bufferSize = &plan.buffer_size;
    config.normalize = 1;
    const VkFFTResult r = initializeVkFFT(plan.app.get(), config);
    if (r != VKFFT_SUCCESS) {
        std::fprintf(stderr, "%s: initializeVkFFT failed: %d\n", c.name.c_str(), static_cast<int>(r));
        return false;
    }
    return true;
}

struct Errors {
    double forward = 0, l2 = 0, bins = 0, parseval = 0, roundtrip = 0;
    bool ok() const {
        return forward < TOLERANCE && l2 < TOLERANCE && bins < TOLERANCE && parseval < TOLERANCE &&
               roundtrip < TOLERANCE && std::isfinite(forward + l2 + bins + parseval + roundtrip);
    }
};

Errors check(const Case& c, const std::vector<cf>& input, const std::vector<cf>& forward,
             const std::vector<cf>& roundtrip) {
    Errors e;
    const std::vector<cd> ref = cpu_fft(c, input);
    double max_ref = 0, max_diff = 0, sum_diff2 = 0, sum_ref2 = 0;
    for (size_t i = 0; i < ref.size(); ++i) {
        const double d = std::abs(cd(forward[i]) - ref[i]);
        max_ref = std::max(max_ref, std::abs(ref[i]));
        max_diff = std::max(max_diff, d);
        sum_diff2 += d * d;
        sum_ref2 += std::norm(ref[i]);
    }
    e.forward = max_diff / max_ref;
    e.l2 = std::sqrt(sum_diff2 / sum_ref2);

    // A few bins by the direct definition: DC, Nyquist-ish, random.
    std::mt19937_64 rng(7);
    std::vector<uint64_t> bins = {0, c.elements() - 1, c.points() / 2 + c.size[0] / 3};
    for (int i = 0; i < 5; ++i) bins.push_back(rng() % c.elements());
    for (uint64_t bin : bins) {
        const double d = std::abs(cd(forward[bin]) - direct_bin(c, input, bin));
        e.bins = std::max(e.bins, d / max_ref);
    }

    // Parseval per whole buffer: sum |X|^2 = N sum |x|^2 (N = points per transform).
    double energy_in = 0, energy_out = 0, max_in = 0, max_rt = 0;
    for (size_t i = 0; i < input.size(); ++i) {
        energy_in += std::norm(cd(input[i]));
        energy_out += std::norm(cd(forward[i]));
        max_in = std::max(max_in, static_cast<double>(std::abs(input[i])));
        max_rt = std::max(max_rt, std::abs(cd(roundtrip[i]) - cd(input[i])));
    }
    e.parseval = std::abs(energy_out / static_cast<double>(c.points()) - energy_in) / energy_in;
    e.roundtrip = max_rt / max_in;
    return e;
}

struct CaseResult {
    bool ok = false;
    double gflops = 0;
    uint64_t pairs = 0;
};

CaseResult run_case(Context& ctx, const Case& c, bool bench, double min_time, int min_reps, double submit_ms,
                    uint64_t fixed_pairs) {
    CaseResult result;
    const VulkanApp& vk = ctx.vk;
    const VkDeviceSize bytes = c.elements() * sizeof(cf);
    Buffer data = make_buffer(vk, bytes,
                              VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                                  VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                              VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
    Buffer staging = make_buffer(vk, bytes, VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                                 VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
    std::vector<cf> input(c.elements()), forward(c.elements()), roundtrip(c.elements());
    std::mt19937 rng(static_cast<unsigned>(c.elements() * 31 + c.dims));
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    for (auto& v : input) v = cf(dist(rng), dist(rng));

    const auto plan_start = std::chrono::steady_clock::now();
    Plan plan;
    if (!make_plan(ctx, c, data.buffer, plan)) {
        destroy_buffer(vk, staging);
        destroy_buffer(vk, data);
        return result;
    }
    const double plan_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - plan_start).count();

    VkCommandBuffer cb = vk.command_buffer(ctx.pool);
    VkBufferCopy region{0, 0, bytes};
    bool ok = true;
    // upload, forward, download
    std::memcpy(staging.mapped, input.data(), bytes);
    begin(cb);
    vkCmdCopyBuffer(cb, staging.buffer, data.buffer, 1, &region);
    barrier(cb, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
            SHADER_RW);
    ok = ok && append(plan, cb, -1);
    barrier(cb, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
            VK_ACCESS_TRANSFER_READ_BIT);
    vkCmdCopyBuffer(cb, data.buffer, staging.buffer, 1, &region);
    barrier(cb, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_HOST_BIT,
            VK_ACCESS_HOST_READ_BIT);
    VK_CHECK(vkEndCommandBuffer(cb));
    if (ok) ctx.submit_wait(cb);
    std::memcpy(forward.data(), staging.mapped, bytes);
    // inverse (normalized) of the spectrum still in the device buffer, download
    begin(cb);
    ok = ok && append(plan, cb, 1);
    barrier(cb, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
            VK_ACCESS_TRANSFER_READ_BIT);
    vkCmdCopyBuffer(cb, data.buffer, staging.buffer, 1, &region);
    barrier(cb, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_HOST_BIT,
            VK_ACCESS_HOST_READ_BIT);
    VK_CHECK(vkEndCommandBuffer(cb));
    if (ok) ctx.submit_wait(cb);
    std::memcpy(roundtrip.data(), staging.mapped, bytes);

    Errors e;
    if (ok) {
        e = check(c, input, forward, roundtrip);
        ok = e.ok();
    }
    std::printf("%-24s %s  forward %.2e  l2 %.2e  bins %.2e  parseval %.2e  roundtrip %.2e  (plan %.2f s)\n",
                c.name.c_str(), ok ? "PASS" : "FAIL", e.forward, e.l2, e.bins, e.parseval, e.roundtrip, plan_s);
    std::fflush(stdout);

    if (ok && bench) {
        const double flops_per_fft =
            5.0 * static_cast<double>(c.points()) * std::log2(static_cast<double>(c.points())) *
            static_cast<double>(c.batch);
        auto record = [&](uint64_t pairs) {
            begin(cb);
            for (uint64_t i = 0; i < pairs && ok; ++i) {
                ok = ok && append(plan, cb, -1);
                barrier(cb, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, SHADER_RW, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                        SHADER_RW);
                ok = ok && append(plan, cb, 1);
                barrier(cb, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, SHADER_RW, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                        SHADER_RW);
            }
            VK_CHECK(vkEndCommandBuffer(cb));
        };
        auto timed = [&]() {
            const auto t0 = std::chrono::steady_clock::now();
            ctx.submit_wait(cb);
            return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        };
        uint64_t pairs = fixed_pairs;
        if (!pairs) {  // calibrate on one pair
            record(1);
            if (ok) timed();  // warm-up
            const double one = ok ? timed() : 1.0;
            pairs = static_cast<uint64_t>(std::clamp(std::ceil(submit_ms * 1e-3 / one), 1.0, 100000.0));
        }
        record(pairs);
        if (ok) {
            timed();  // warm-up
            double total = 0;
            int reps = 0;
            while (total < min_time || reps < min_reps) {
                total += timed();
                ++reps;
            }
            const double ffts = 2.0 * static_cast<double>(pairs) * reps;
            result.gflops = flops_per_fft * ffts / total * 1e-9;
            result.pairs = pairs;
            std::printf("%-24s %llu pairs/submit  %d submits  %.3f ms/FFT  %.2f GFLOP/s\n", c.name.c_str(),
                        static_cast<unsigned long long>(pairs), reps, total / ffts * 1e3, result.gflops);
            std::fflush(stdout);
        }
    }
    result.ok = ok;

    vkFreeCommandBuffers(vk.device, ctx.pool, 1, &cb);
    deleteVkFFT(plan.app.get());
    destroy_buffer(vk, staging);
    destroy_buffer(vk, data);
    return result;
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= s.size()) {
        const size_t end = s.find(sep, start);
        out.push_back(s.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return out;
}

int usage() {
    std::fprintf(stderr,
                 "usage: vkfft_test --test | --bench [--min-time S] [--min-reps N] [--submit-ms MS]\n"
                 "                  [--pairs-per-submit CASE=K,...] [--cases CASE,...]\n"
                 "                  [--case DIMS:XxYxZ:BATCH ...]  (instead of the mode's cases)\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    bool bench = false, test = false;
    double min_time = 0.5, submit_ms = 20.0;
    int min_reps = 3;
    std::map<std::string, uint64_t> fixed_pairs;
    std::vector<std::string> only;
    std::vector<Case> extra;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const bool has_value = i + 1 < argc;
        if (arg == "--test") test = true;
        else if (arg == "--bench") bench = true;
        else if (arg == "--min-time" && has_value) min_time = std::stod(argv[++i]);
        else if (arg == "--min-reps" && has_value) min_reps = std::stoi(argv[++i]);
        else if (arg == "--submit-ms" && has_value) submit_ms = std::stod(argv[++i]);
        else if (arg == "--cases" && has_value) only = split(argv[++i], ',');
        else if (arg == "--case" && has_value) {  // DIMS:XxYxZ:BATCH, e.g. 2:1000x30x1:4
            unsigned dims = 0;
            unsigned long long x = 1, y = 1, z = 1, b = 1;
            if (std::sscanf(argv[++i], "%u:%llux%llux%llu:%llu", &dims, &x, &y, &z, &b) != 5 || dims < 1 || dims > 3)
                return usage();
            extra.push_back(make_case(dims, x, y, z, b));
        }
        else if (arg == "--pairs-per-submit" && has_value) {
            for (const auto& item : split(argv[++i], ',')) {
                const size_t eq = item.find('=');
                if (eq == std::string::npos) return usage();
                fixed_pairs[item.substr(0, eq)] = std::stoull(item.substr(eq + 1));
            }
        } else return usage();
    }
    if (bench == test && extra.empty()) return usage();

    std::vector<Case> cases;
    if (test) {
        // Small sizes: radix-2, mixed radix (1000 = 2^3 5^3, 96 = 2^5 3, 81 = 3^4), batches.
        // Not prime sizes: VkFFT 1.2.26's Bluestein path (e.g. --case 1:17x1x1:1) returns
        // zeros on lavapipe natively, binding VK_NULL_HANDLE buffers (VUID-VkDescriptorBufferInfo-buffer-02998).
        cases = {make_case(1, 256, 1, 1, 1),    make_case(1, 4096, 1, 1, 1),  make_case(1, 1000, 1, 1, 1),
                 make_case(2, 96, 81, 1, 1),    make_case(1, 256, 1, 1, 8),   make_case(2, 64, 64, 1, 1),
                 make_case(2, 256, 256, 1, 1),  make_case(3, 16, 16, 16, 1),  make_case(3, 32, 16, 8, 2)};
    } else {
        // Large sizes; small transforms are batched to ~1M points per submit.
        cases = {make_case(1, 256, 1, 1, 4096),   make_case(1, 4096, 1, 1, 256),     make_case(1, 1 << 20, 1, 1, 1),
                 make_case(2, 256, 256, 1, 16),   make_case(2, 1024, 1024, 1, 1),    make_case(3, 64, 64, 64, 4),
                 make_case(3, 128, 128, 128, 1)};
    }
    if (!extra.empty()) cases = extra;
    if (!only.empty())
        std::erase_if(cases, [&](const Case& c) { return std::find(only.begin(), only.end(), c.name) == only.end(); });

    if (!glslang_initialize_process()) {
        std::fprintf(stderr, "glslang_initialize_process failed\n");
        return 1;
    }
    int failures = 0;
    std::string json = "{", pairs_json = "{";
    {
        Context ctx;
        std::printf("VkFFT %d, tolerance %.0e (relative), FFT buffer device-local + host-visible staging\n",
                    VkFFTGetVersion(), TOLERANCE);
        for (const Case& c : cases) {
            const auto it = fixed_pairs.find(c.name);
            const CaseResult r =
                run_case(ctx, c, bench, min_time, min_reps, submit_ms, it == fixed_pairs.end() ? 0 : it->second);
            if (!r.ok) ++failures;
            if (bench) {
                char item[160];
                std::snprintf(item, sizeof item, "%s\"%s_gflops\": %.4f", json.size() > 1 ? ", " : "",
                              c.name.c_str(), r.ok ? r.gflops : 0.0);
                json += item;
                std::snprintf(item, sizeof item, "%s\"%s\": %llu", pairs_json.size() > 1 ? ", " : "",
                              c.name.c_str(), static_cast<unsigned long long>(r.pairs));
                pairs_json += item;
            }
        }
    }
    glslang_finalize_process();
    std::printf("%d of %zu cases failed\n", failures, cases.size());
    if (bench) {
        std::printf("pairs_per_submit: %s}\n", pairs_json.c_str());
        std::printf("%s}\n", json.c_str());
    }
    return failures ? 1 : 0;
}
