// A few of the platform's scope texts as the sandbox serves them (server/sandbox/platform-scopes.ts),
// copied because browser code and its tests may not import server code. Used by the consent page tests.
export const PLATFORM_SCOPE_TEXTS: Record<string, { title: string; message: string }> = {
  'profile.default': { title: '基本信息', message: '读取头像、用户名、昵称以及性别等基本用户信息' },
  'sample.default:read': { title: '读取样品信息', message: '读取样品编号、样品状态、采样时间等信息' },
  'sample.default:write': { title: '补充样品信息', message: '写入样品测序数据、采样时间等元信息' },
  'variant.rsid': { title: '基因组变体（按 RS 编号）', message: '读取全部 dbSNP RS 编号的变体分型信息' },
}
