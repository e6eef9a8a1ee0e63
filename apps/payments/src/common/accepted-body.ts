import type { Type } from '@nestjs/common';
import { TransformationType } from 'class-transformer';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { getMetadataStorage, ValidationArguments, ValidationTypes } from 'class-validator';
import type { ConstraintMetadata } from 'class-validator/types/metadata/ConstraintMetadata';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

type Dto = new () => object;

/** Builds the DTO instance from a body that passes every rule of the class, else undefined. */
export type AcceptBody = (body: unknown) => object | undefined;

interface Rule {
  metadata: ValidationMetadata;
  constraints: ConstraintMetadata[];
}

interface PropertyPlan {
  name: string;
  /** IsOptional and the like: when one says no, the property's other rules are skipped. */
  conditions: ValidationMetadata[];
  rules: Rule[];
  nested?: AcceptBody;
}

const KNOWN_TYPES = new Set<string>([
  ValidationTypes.CUSTOM_VALIDATION,
  ValidationTypes.IS_DEFINED,
  ValidationTypes.NESTED_VALIDATION,
  ValidationTypes.CONDITIONAL_VALIDATION,
]);

const PLAIN_TO_CLASS = TransformationType.PLAIN_TO_CLASS;

const plans = new Map<Type, AcceptBody | null>();

/**
 * The fast path of the validation pipe for the bodies that pass: the DTO's rules read once from
 * class-validator's metadata and run as a plan, calling the very constraint objects the decorators
 * registered (so there is one set of rules), instead of class-transformer and class-validator
 * walking the metadata on every request (about 8% of the create-payment path, BENCHMARKS.md).
 *
 * It only ever says yes for a body the pipe would accept as it is configured (whitelist with
 * unknown fields refused, no coercion): any rule that fails, any field it does not know, any
 * shape it is unsure of gives undefined, and the pipe then runs class-validator, which writes the
 * error details. A class using anything the plan does not cover (validation groups, `each`,
 * `always`, a rule's own `validateIf` option, async rules, class-transformer's
 * Expose/Exclude/Transform) gets no plan at all. `IsOptional` and `ValidateIf` are conditions,
 * which the plan runs as class-validator does.
 */
export function acceptorFor(dto: Type): AcceptBody | undefined {
  if (!plans.has(dto)) plans.set(dto, planFor(dto as Dto, undefined) ?? null);
  return plans.get(dto) ?? undefined;
}

function planFor(dto: Dto, schema: string | undefined): AcceptBody | undefined {
  const storage = getMetadataStorage();
  // As class-validator's executor asks for them, with the pipe's options (no groups, not always).
  const metadatas = storage.getTargetValidationMetadatas(dto, schema as string, false, false);
  if (metadatas.length === 0 || !transformsPlainly(dto)) return undefined;
  const properties: PropertyPlan[] = [];
  for (const [name, own] of Object.entries(storage.groupByPropertyName(metadatas))) {
    if (defaultMetadataStorage.findTransformMetadatas(dto, name, PLAIN_TO_CLASS).length > 0)
      return undefined;
    const plan: PropertyPlan = { name, conditions: [], rules: [] };
    for (const m of own) {
      if (!KNOWN_TYPES.has(m.type) || m.each || m.validateIf || m.always || m.groups?.length)
        return undefined;
      if (m.type === ValidationTypes.CONDITIONAL_VALIDATION) plan.conditions.push(m);
      else if (m.type === ValidationTypes.NESTED_VALIDATION) {
        const type = defaultMetadataStorage.findTypeMetadata(dto, name);
        const nestedClass: unknown = type?.typeFunction();
        if (typeof nestedClass !== 'function' || type?.options.discriminator || plan.nested)
          return undefined;
        plan.nested = planFor(nestedClass as Dto, dto.name);
        if (!plan.nested) return undefined;
      } else {
        const constraints = storage.getTargetValidatorConstraints(m.constraintCls);
        if (constraints.length === 0 || constraints.some((c) => c.async)) return undefined;
        plan.rules.push({ metadata: m, constraints });
      }
    }
    properties.push(plan);
  }
  const known = new Set(properties.map((p) => p.name));
  const nested = properties.filter((p) => p.nested);
  const targetName = dto.name;
  return (body) => {
    if (!isPlainObject(body)) return undefined;
    const instance = new dto() as Record<string, unknown>;
    for (const key of Object.keys(body)) {
      if (!known.has(key)) return undefined;
      instance[key] = body[key];
    }
    // As class-transformer does: every nested instance is built before any rule runs, so that a
    // condition or rule reading another property sees the instance the pipe would show it.
    for (const p of nested) {
      if (instance[p.name] === undefined || instance[p.name] === null) continue;
      const built = p.nested!(instance[p.name]);
      if (built === undefined) return undefined;
      instance[p.name] = built;
    }
    for (const p of properties) {
      const value = instance[p.name];
      if (!p.conditions.every((c) => (c.constraints[0] as Condition)(instance, value))) continue;
      // class-validator refuses a null it was to validate as nested: the pipe says why.
      if (p.nested && value === null) return undefined;
      if (!p.rules.every((rule) => passes(rule, instance, value, targetName))) return undefined;
    }
    return instance;
  };
}

type Condition = (object: object, value: unknown) => boolean;

function passes(rule: Rule, object: object, value: unknown, targetName: string): boolean {
  const args: ValidationArguments = {
    targetName,
    property: rule.metadata.propertyName,
    object,
    value,
    constraints: rule.metadata.constraints,
  };
  return rule.constraints.every((c) => {
    const valid: unknown = c.instance.validate(value, args);
    // A rule that answers with a promise after all: class-validator decides.
    return !(valid instanceof Promise) && Boolean(valid);
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** class-transformer copies the fields as they are: no Expose, Exclude or Transform on the class. */
function transformsPlainly(dto: Dto): boolean {
  return (
    defaultMetadataStorage.getExposedMetadatas(dto).length === 0 &&
    defaultMetadataStorage.getExcludedMetadatas(dto).length === 0 &&
    defaultMetadataStorage.getStrategy(dto) === 'none'
  );
}
