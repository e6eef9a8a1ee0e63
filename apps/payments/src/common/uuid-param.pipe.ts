import { Injectable, PipeTransform } from '@nestjs/common';
import { validationFailed } from './api-error';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids in paths are UUIDs; anything else is a 400 that names the parameter. */
@Injectable()
export class UuidParamPipe implements PipeTransform<string, string> {
  constructor(private readonly name = 'id') {}

  transform(value: string): string {
    if (!UUID_RE.test(value)) {
      throw validationFailed([{ field: this.name, message: `${this.name} must be a UUID` }]);
    }
    return value.toLowerCase();
  }
}
