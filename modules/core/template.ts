/**
 * Terraform interprets `${...}` and `%{...}` inside every string of the JSON
 * configuration. Literal text (scripts, config files) must escape them.
 */
export function escapeTerraformTemplate(text: string): string {
  // Function replacements: in a replacement string "$$" would collapse to "$".
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/** Inverse of escapeTerraformTemplate: what Terraform hands to the API. */
export function unescapeTerraformTemplate(text: string): string {
  return text.replace(/\$\$\{/g, () => '${').replace(/%%\{/g, () => '%{');
}
