/** Pure IPv4 CIDR arithmetic (same result as Terraform's cidrsubnet()). */
export function cidrSubnet(base: string, newBits: number, index: number): string {
  const [addr, prefixText] = base.split('/');
  const prefix = Number(prefixText);
  const newPrefix = prefix + newBits;
  if (newPrefix > 32) throw new Error(`cidrSubnet: ${base} + ${newBits} bits exceeds /32`);
  if (index < 0 || index >= 2 ** newBits) throw new Error(`cidrSubnet: index ${index} does not fit in ${newBits} bits of ${base}`);
  const ip = addr.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const subnet = ip + index * 2 ** (32 - newPrefix);
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(subnet / 2 ** shift) % 256);
  return `${octets.join('.')}/${newPrefix}`;
}
