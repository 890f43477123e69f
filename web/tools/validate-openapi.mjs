// Validates an OpenAPI document (the one palermo generates from its schema files) with an
// independent validator from npm. Usage: node tools/validate-openapi.mjs FILE
import { readFile } from 'node:fs/promises';
import { Validator } from '@seriousme/openapi-schema-validator';

const file = process.argv[2];
if (!file) {
  console.error('usage: validate-openapi.mjs FILE');
  process.exit(2);
}
const doc = JSON.parse(await readFile(file, 'utf8'));
const validator = new Validator();
const result = await validator.validate(doc);
if (!result.valid) {
  console.error(`OpenAPI document ${file} is NOT valid (version ${validator.version}):`);
  console.error(JSON.stringify(result.errors, null, 2).slice(0, 5000));
  process.exit(1);
}
console.log(`OpenAPI ${validator.version} document valid: ${Object.keys(doc.paths).length} paths, ` +
  `${Object.keys(doc.components?.schemas ?? {}).length} schemas`);
