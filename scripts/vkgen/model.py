"""Decides what rendersock forwards and how each value travels.

Every struct member and command parameter becomes a Field of one kind (see
wire/venus/Codec.h). A struct or command with a member we cannot describe
safely is left out, and the reason is recorded: the ICD then does not expose
it, and the client never sends such a struct in a pNext chain.
"""
from dataclasses import dataclass, field

from .registry import SCALAR_SIZES

# Length expressions that are not a plain member name, mapped to a kind the
# codec computes by hand (wire/venus/Codec.cpp, `special_length`).
SPECIAL_LENGTHS = {
    '(rasterizationSamples + 31) / 32': 'SampleMaskWords',
    '(samples + 31) / 32': 'SampleMaskWordsSamples',
    'codeSize / 4': 'CodeSizeBytes',
    '2*VK_UUID_SIZE': None,  # fixed arrays already carry their size
}


@dataclass
class Field:
    name: str
    kind: str              # Scalar, Struct, Handle, PNext, PtrScalar, PtrStruct, PtrHandle, String, StringArray, PtrBytes
    elem_size: int = 0
    type_name: str = ''    # struct or handle type
    fixed_count: int = 1
    len_kind: str = 'One'  # One, Member, Deref, Null, SampleMaskWords, ...
    len_field: int = -1
    len_deref: str = ''    # member of the pointee for Deref lengths
    optional: bool = False
    output: bool = False   # written by the callee (command parameters only)
    stride_field: int = -1  # the elements lie this parameter's value apart (vk.xml stride=), or -1


@dataclass
class StructModel:
    name: str
    fields: list
    stype: str | None
    returned_only: bool
    is_union: bool


@dataclass
class CommandModel:
    name: str
    return_type: str
    params: list
    level: str             # instance, physical_device, device, queue, command_buffer, global
    aliases: list = field(default_factory=list)


@dataclass
class Model:
    structs: dict = field(default_factory=dict)      # name -> StructModel (in dependency-free order)
    commands: dict = field(default_factory=dict)     # name -> CommandModel
    excluded: dict = field(default_factory=dict)     # name -> reason
    handles: dict = field(default_factory=dict)      # name -> dispatchable
    object_types: dict = field(default_factory=dict) # handle name -> VK_OBJECT_TYPE_* (None if vk.xml has none)
    extensions: dict = field(default_factory=dict)   # name -> (type, spec_version, [commands])
    header_version: int = 0


class Unsupported(Exception):
    pass


def _length(member, members):
    names = [m.name for m in members]
    parts = [p for p in member.len if p not in ('1',)]
    if not parts:
        return 'One', -1, ''
    first = parts[0]
    if first == 'null-terminated':
        return 'Null', -1, ''
    if first in SPECIAL_LENGTHS:
        special = SPECIAL_LENGTHS[first]
        if special is None:
            return 'One', -1, ''
        source = {'SampleMaskWords': 'rasterizationSamples', 'SampleMaskWordsSamples': 'samples',
                  'CodeSizeBytes': 'codeSize'}[special]
        return special, names.index(source), ''
    if '->' in first:
        pointer, member_name = first.split('->')
        if pointer not in names:
            raise Unsupported(f'length {first}')
        return 'Deref', names.index(pointer), member_name
    if first in names:
        return 'Member', names.index(first), ''
    raise Unsupported(f'length expression "{first}"')


def _stride(member, members, is_param):
    """The index of the parameter whose value is the distance in bytes
    between the elements of `member` (vk.xml `stride=`), or -1 when they are
    packed. Such arrays travel packed and the server hands the host the
    packed stride (wire/venus/Decoder.cpp); that is done for the input
    parameters of commands only."""
    if not member.stride:
        return -1
    names = [m.name for m in members]
    if not is_param or not member.const or member.stride not in names:
        raise Unsupported(f'strided array {member.name}')
    source = members[names.index(member.stride)]
    if source.pointer_depth or source.array or source.type != 'uint32_t':
        raise Unsupported(f'stride {member.stride} of {member.name}')
    return names.index(member.stride)


def _field(registry, member, members, structs_ok, is_param):
    """Describes one member/parameter, or raises Unsupported."""
    if member.bitfield:
        raise Unsupported('bit-field member')
    type_name = registry.resolve(member.type)
    scalar = registry.scalar_size(type_name)
    fixed = 1
    for dim in member.array:
        fixed *= dim
    if is_param and type_name == 'VkAllocationCallbacks':
        # Application allocators stay in the application's process; the
        # host driver uses its own.
        return Field(member.name, 'Ignored')
    if is_param and member.array:
        # A parameter like `const float blendConstants[4]` is a pointer in C.
        return Field(member.name, 'PtrScalar', elem_size=scalar, fixed_count=fixed, len_kind='Fixed')
    if member.name == 'pNext':
        return Field(member.name, 'PNext', optional=True, output=not member.const)
    if member.pointer_depth == 0:
        if scalar:
            return Field(member.name, 'Scalar', elem_size=scalar, fixed_count=fixed)
        if type_name in registry.handles:
            # Null is allowed where vk.xml says so, or leaves it to other members.
            return Field(member.name, 'Handle', type_name=type_name, fixed_count=fixed,
                         optional=member.optional or member.no_auto_validity)
        if type_name in registry.structs:
            structs_ok(type_name)
            return Field(member.name, 'Struct', type_name=type_name, fixed_count=fixed)
        if type_name == 'void' or type_name.startswith('PFN_'):
            raise Unsupported(f'{type_name} member')
        raise Unsupported(f'type {type_name}')
    length, length_field, deref = _length(member, members)
    # A pointer may be null where vk.xml says so or leaves its validity to
    # other members; elsewhere the server refuses a null with a non-zero
    # length (wire/venus/Decoder.cpp), which the host driver would follow.
    optional = member.optional or member.no_auto_validity
    output = is_param and not member.const
    if member.stride and (type_name in ('char', 'void') or not (scalar or type_name in registry.structs)):
        raise Unsupported(f'strided array of {type_name}')  # only scalars and structs are restrided
    if type_name == 'char' and member.pointer_depth == 1 and length == 'Null':
        return Field(member.name, 'String', optional=optional)
    if type_name == 'char' and member.pointer_depth == 2 and member.len[-1:] == ['null-terminated']:
        if length != 'Member':
            raise Unsupported('string array length')
        return Field(member.name, 'StringArray', len_kind='Member', len_field=length_field)
    if member.pointer_depth != 1:
        raise Unsupported('pointer to pointer')
    if type_name == 'void':
        if length in ('Member', 'Deref', 'CodeSizeBytes'):
            return Field(member.name, 'PtrBytes', elem_size=1, len_kind=length,
                         len_field=length_field, len_deref=deref, optional=optional, output=output)
        raise Unsupported('void pointer without a length')
    if scalar:
        return Field(member.name, 'PtrScalar', elem_size=scalar, len_kind=length,
                     len_field=length_field, len_deref=deref, optional=optional, output=output,
                     stride_field=_stride(member, members, is_param))
    if type_name in registry.handles:
        return Field(member.name, 'PtrHandle', type_name=type_name, len_kind=length,
                     len_field=length_field, len_deref=deref, optional=optional, output=output)
    if type_name in registry.structs:
        structs_ok(type_name)
        return Field(member.name, 'PtrStruct', type_name=type_name, len_kind=length,
                     len_field=length_field, len_deref=deref, optional=optional, output=output,
                     stride_field=_stride(member, members, is_param))
    raise Unsupported(f'pointer to {type_name}')


def _command_level(registry, command):
    if not command.params:
        return 'global'
    first = registry.resolve(command.params[0].type)
    if command.name in ('vkCreateInstance', 'vkEnumerateInstanceExtensionProperties',
                        'vkEnumerateInstanceLayerProperties', 'vkEnumerateInstanceVersion'):
        return 'global'
    return {'VkInstance': 'instance', 'VkPhysicalDevice': 'physical_device', 'VkDevice': 'device',
            'VkQueue': 'queue', 'VkCommandBuffer': 'command_buffer'}.get(first, 'global')


def build(registry, wanted_commands, wanted_extensions, hand_written):
    model = Model(handles=dict(registry.handles), object_types=dict(registry.object_types),
                  header_version=registry.header_version)
    in_progress = set()

    def ensure_struct(name):
        name = registry.resolve(name)
        if name in model.structs:
            return
        if name in model.excluded:
            raise Unsupported(f'{name}: {model.excluded[name]}')
        if name in in_progress:
            return
        in_progress.add(name)
        struct = registry.structs[name]
        try:
            fields = [_field(registry, m, struct.members, ensure_struct, False) for m in struct.members]
            if struct.is_union:
                # Unions travel as raw bytes; only pointer-free ones qualify.
                if any(f.kind != 'Scalar' and f.kind != 'Struct' for f in fields):
                    raise Unsupported('union with pointers or handles')
        except Unsupported as reason:
            model.excluded[name] = str(reason)
            in_progress.discard(name)
            raise Unsupported(f'{name}: {reason}')
        in_progress.discard(name)
        model.structs[name] = StructModel(name, fields, struct.stype, struct.returned_only, struct.is_union)

    # Only the structures of core Vulkan and of the listed extensions: the
    # others belong to extensions we do not expose (and to platform headers).
    wanted_types = set()
    for feature, _number, _commands, types in registry.features:
        if feature.startswith('VK_VERSION_'):
            wanted_types.update(types)
    for name in wanted_extensions:
        wanted_types.update(registry.extensions[name][2])
    for name in sorted(wanted_types):
        if registry.resolve(name) not in registry.structs:
            continue
        try:
            ensure_struct(name)
        except Unsupported:
            pass

    aliases = {}
    for name, command in registry.commands.items():
        if command.alias:
            aliases.setdefault(command.alias, []).append(name)
    for name in wanted_commands:
        command = registry.commands[name]
        if command.alias:
            continue
        try:
            params = [_field(registry, p, command.params, ensure_struct, True) for p in command.params]
        except Unsupported as reason:
            model.excluded[name] = str(reason)
            continue
        model.commands[name] = CommandModel(name, command.return_type, params,
                                            _command_level(registry, command),
                                            aliases=aliases.get(name, []))
    for name in wanted_extensions:
        ext_type, commands, _types, _number, element = registry.extensions[name]
        spec_version = 1
        for require in element.findall('require'):
            for enum in require.findall('enum'):
                if enum.get('name', '').endswith('_SPEC_VERSION') and enum.get('value', '').isdigit():
                    spec_version = int(enum.get('value'))
        model.extensions[name] = (ext_type, spec_version, commands)
    return model
