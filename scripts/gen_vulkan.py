#!/usr/bin/env python3
"""Generates rendersock's Vulkan codec tables, server call stubs and ICD
entry points from the Khronos registry (vk.xml) at build time.

usage: gen_vulkan.py --registry vk.xml --out DIR [--report FILE]
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vkgen import emit_formats, emit_icd, emit_server, emit_tables, model, registry  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

# Commands the ICD or server implements by hand, or that cannot cross a
# process boundary (function pointers).
NOT_GENERATED = {
    'vkGetInstanceProcAddr', 'vkGetDeviceProcAddr',
    # Memory mapping is local to the client (shared blobs).
    'vkMapMemory', 'vkUnmapMemory', 'vkFlushMappedMemoryRanges', 'vkInvalidateMappedMemoryRanges',
    'vkGetMemoryHostPointerPropertiesEXT',
    # Template updates read application memory laid out by the template.
    'vkUpdateDescriptorSetWithTemplate',
}
# Entry points the ICD writes by hand (icd/*.cpp); the generated ones for
# these names are not put in the ICD's table.
ICD_HAND_WRITTEN = {
    'vkCreateInstance', 'vkDestroyInstance', 'vkEnumeratePhysicalDevices',
    'vkEnumeratePhysicalDeviceGroups', 'vkEnumeratePhysicalDeviceGroupsKHR',
    'vkEnumerateInstanceExtensionProperties', 'vkEnumerateInstanceLayerProperties',
    'vkEnumerateInstanceVersion', 'vkEnumerateDeviceExtensionProperties',
    'vkEnumerateDeviceLayerProperties', 'vkGetPhysicalDeviceProperties',
    'vkGetPhysicalDeviceProperties2', 'vkGetPhysicalDeviceProperties2KHR',
    'vkCreateDevice', 'vkDestroyDevice', 'vkGetDeviceQueue', 'vkGetDeviceQueue2',
    'vkAllocateMemory', 'vkFreeMemory', 'vkQueueSubmit', 'vkQueueSubmit2', 'vkQueueSubmit2KHR',
    'vkQueueWaitIdle', 'vkDeviceWaitIdle', 'vkWaitForFences', 'vkGetFenceStatus',
    'vkWaitSemaphores', 'vkWaitSemaphoresKHR',
    'vkCreateDescriptorUpdateTemplate', 'vkCreateDescriptorUpdateTemplateKHR',
    'vkDestroyDescriptorUpdateTemplate', 'vkDestroyDescriptorUpdateTemplateKHR',
    'vkAllocateCommandBuffers', 'vkFreeCommandBuffers', 'vkDestroyCommandPool',
    'vkBeginCommandBuffer', 'vkUpdateDescriptorSets',
}
# Commands the ICD implements locally on top of others; they count as
# forwarded when deciding which extensions to expose.
ICD_LOCAL = {'vkUpdateDescriptorSetWithTemplate', 'vkMapMemory', 'vkUnmapMemory',
             'vkFlushMappedMemoryRanges', 'vkInvalidateMappedMemoryRanges'}
RETURN_TYPES = {'void', 'VkResult', 'uint32_t', 'uint64_t', 'VkDeviceAddress', 'VkDeviceSize', 'VkBool32'}


def read_list(name):
    with open(os.path.join(HERE, 'vkgen', name)) as f:
        return [line.split('#')[0].strip() for line in f if line.split('#')[0].strip()]


def wanted_commands(reg, extensions):
    names = []
    for feature, number, commands, _types in reg.features:
        if feature.startswith('VK_VERSION_'):
            names += commands
    for extension in extensions:
        names += reg.extensions[extension][1]
    result = []
    for name in names:
        name = name if not reg.commands[name].alias else reg.commands[name].alias
        command = reg.commands[name]
        if name in NOT_GENERATED or command.return_type not in RETURN_TYPES:
            continue
        if name not in result:
            result.append(name)
    return result


def write(path, text):
    # Rewrite only on change so ninja does not rebuild what did not change.
    if os.path.exists(path):
        with open(path) as f:
            if f.read() == text:
                return
    with open(path, 'w') as f:
        f.write(text)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--registry', required=True)
    parser.add_argument('--out', required=True)
    parser.add_argument('--report')
    args = parser.parse_args()
    reg = registry.load(args.registry)
    extensions = read_list('extensions.txt')
    forwarded = model.build(reg, wanted_commands(reg, extensions), extensions, NOT_GENERATED)
    out = args.out
    os.makedirs(os.path.join(out, 'wire/venus/generated'), exist_ok=True)
    os.makedirs(os.path.join(out, 'server/venus/generated'), exist_ok=True)
    os.makedirs(os.path.join(out, 'icd/generated'), exist_ok=True)
    indices_text, indices = emit_tables.emit_indices(forwarded, 'vk.xml')
    write(os.path.join(out, 'wire/venus/generated/VkIndices.h'), indices_text)
    for i, text in enumerate(emit_tables.emit_struct_parts(forwarded, 'vk.xml', indices, 3)):
        write(os.path.join(out, f'wire/venus/generated/VkStructFields{i}.cpp'), text)
    write(os.path.join(out, 'wire/venus/generated/VkStructTable.cpp'),
          emit_tables.emit_struct_table(forwarded, 'vk.xml', indices))
    write(os.path.join(out, 'wire/venus/generated/VkCommandTable.cpp'),
          emit_tables.emit_command_table(forwarded, 'vk.xml', indices))
    write(os.path.join(out, 'server/venus/generated/VkCommandCalls.cpp'),
          emit_server.emit_calls(forwarded, reg, 'vk.xml', indices))
    write(os.path.join(out, 'server/venus/generated/VkFormatBlocks.cpp'),
          emit_formats.emit_formats(args.registry))
    write(os.path.join(out, 'icd/generated/VkEntryPoints.cpp'),
          emit_icd.emit_entry_points(forwarded, reg, 'vk.xml', indices, ICD_HAND_WRITTEN))
    write(os.path.join(out, 'icd/generated/VkExtensions.cpp'),
          emit_icd.emit_extensions(forwarded, reg, 'vk.xml', ICD_LOCAL))
    if args.report:
        with open(args.report, 'w') as f:
            f.write(f'vk.xml header version {reg.header_version}\n')
            f.write(f'{len(forwarded.structs)} structs, {len(forwarded.commands)} commands forwarded\n')
            for name, reason in sorted(forwarded.excluded.items()):
                f.write(f'excluded {name}: {reason}\n')


if __name__ == '__main__':
    main()
