/**
 * Pulumi's package metaschema (pulumi/pulumi pkg/codegen/schema/pulumi.json, kept in the repo for CI
 * machines), compiled with Ajv's 2020-12 build, for tests that validate a generated package schema.
 */
import Ajv2020 from "ajv/dist/2020";
import * as fs from "fs";
import * as path from "path";

import { REPO_ROOT } from "./repo";

export function metaschemaValidator() {
  const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true });
  // The two string formats the metaschema uses; Ajv's strict mode refuses formats it does not know.
  ajv.addFormat("regex", (value: string) => {
    try {
      new RegExp(value);
      return true;
    } catch {
      return false;
    }
  });
  ajv.addFormat("uri-reference", (value: string) => URL.canParse(value, "http://base.invalid/"));
  return ajv.compile(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "test", "fixtures", "pulumi-package-metaschema.json"), "utf8")));
}
