import { ValidationError, ValidationPipe } from '@nestjs/common';
import { InvalidInputError, InvalidParam } from '@app/common';

function flatten(errors: ValidationError[], parent = ''): InvalidParam[] {
  return errors.flatMap((e) => {
    const name = parent ? (/^\d+$/.test(e.property) ? `${parent}[${e.property}]` : `${parent}.${e.property}`) : e.property;
    const own = Object.values(e.constraints ?? {}).map((reason) => ({ name, reason }));
    return [...own, ...flatten(e.children ?? [], name)];
  });
}

/** DTO validation at the edge; failures become a 400 problem naming each field. */
export const validationPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  exceptionFactory: (errors) => new InvalidInputError('request validation failed', flatten(errors)),
});
