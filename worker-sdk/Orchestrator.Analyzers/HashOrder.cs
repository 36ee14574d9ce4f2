using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Orchestrator.Analyzers;

/// <summary>
/// ORCH0010: a foreach over a hash-based collection (HashSet, Dictionary and its Keys/Values, ConcurrentDictionary, the
/// immutable and frozen ones, Hashtable) whose key type hashes differently in another process: string (randomized per
/// process in .NET), object, interfaces and type parameters, classes and structs without a GetHashCode of their own
/// (identity hash), and records (their hash includes the Type's identity hash). Keys of primitive, enum, DateTime,
/// DateTimeOffset, TimeSpan, Guid, DateOnly, TimeOnly types, tuples and nullables of them, and types of this compilation with a GetHashCode
/// written by hand are taken as stable and not flagged.
/// </summary>
internal sealed class HashOrder(KnownTypes types)
{
    public Finding? Classify(IForEachLoopOperation loop)
    {
        var collection = loop.Collection;
        while (collection is IConversionOperation conversion)
        {
            collection = conversion.Operand;
        }
        if (collection.Type is not INamedTypeSymbol type)
        {
            return null;
        }
        var definition = types.HashCollections.FirstOrDefault(c => SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, c));
        if (definition is null)
        {
            return null;
        }
        // Hashtable has object keys; the others' key is the first type argument (of the containing type for Keys/Values).
        var generic = type.TypeArguments.IsEmpty && type.ContainingType is { } outer ? outer : type;
        var key = generic.TypeArguments.IsEmpty ? null : generic.TypeArguments[0];
        if (key is not null && IsStable(key))
        {
            return null;
        }
        var keyName = key?.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) ?? "object";
        return new Finding(Descriptors.HashOrder, collection.Syntax.GetLocation(), collection.Syntax.ToString(), keyName);
    }

    private bool IsStable(ITypeSymbol key)
    {
        if (key.TypeKind == TypeKind.Enum)
        {
            return true;
        }
        switch (key.SpecialType)
        {
            case SpecialType.System_Boolean:
            case SpecialType.System_Char:
            case SpecialType.System_SByte:
            case SpecialType.System_Byte:
            case SpecialType.System_Int16:
            case SpecialType.System_UInt16:
            case SpecialType.System_Int32:
            case SpecialType.System_UInt32:
            case SpecialType.System_Int64:
            case SpecialType.System_UInt64:
            case SpecialType.System_Decimal:
            case SpecialType.System_Single:
            case SpecialType.System_Double:
            case SpecialType.System_IntPtr:
            case SpecialType.System_UIntPtr:
                return true;
        }
        if (key.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
        {
            return IsStable(((INamedTypeSymbol)key).TypeArguments[0]);
        }
        if (key is INamedTypeSymbol { IsTupleType: true } tuple)
        {
            return tuple.TupleElements.All(e => IsStable(e.Type));
        }
        if (types.StableKeyTypes.Any(t => SymbolEqualityComparer.Default.Equals(key.OriginalDefinition, t)))
        {
            return true;
        }
        // A class or struct of the user's with a GetHashCode written by hand is taken at its word; a record's compiler-made
        // one, a library type's (System.Uri hashes its string), the identity hash of object and ValueType's field hash are not.
        return key.TypeKind is TypeKind.Class or TypeKind.Struct
            && key.SpecialType is not (SpecialType.System_Object or SpecialType.System_String)
            && HasOwnGetHashCode(key);
    }

    private static bool HasOwnGetHashCode(ITypeSymbol type)
    {
        for (var current = type; current is not null && current.SpecialType is not (SpecialType.System_Object or SpecialType.System_ValueType); current = current.BaseType)
        {
            if (current.GetMembers("GetHashCode").OfType<IMethodSymbol>().Any(m => m.IsOverride && m.Parameters.IsEmpty && !m.IsImplicitlyDeclared && !m.DeclaringSyntaxReferences.IsEmpty))
            {
                return true;
            }
        }
        return false;
    }
}
