// The platform's 13 scopes with its own (Chinese) texts, as the sandbox serves them
// (server/sandbox/platform-scopes.ts), copied because browser code and its tests may not import
// server code; server/shown-texts.test.ts keeps the copy true.
import type { Scope } from '../../src/contract/api'

export const PLATFORM_SCOPES: readonly Scope[] = [
  { scope: 'profile.default', title: '基本信息', message: '读取头像、用户名、昵称以及性别等基本用户信息' },
  { scope: 'profile.advanced', title: '增强基本信息', message: '读取用户编号等其他基本用户信息' },
  { scope: 'variant.rsid', title: '基因组变体（按 RS 编号）', message: '读取全部 dbSNP RS 编号的变体分型信息' },
  { scope: 'variant.chr', title: '基因组变体（按坐标）', message: '读取全部坐标变体分型信息' },
  { scope: 'sample.default:read', title: '读取样品信息', message: '读取样品编号、样品状态、采样时间等信息' },
  { scope: 'sample.default:write', title: '补充样品信息', message: '写入样品测序数据、采样时间等元信息' },
  { scope: 'survey.default', title: '表型信息', message: '读取通过 BGE 研究所或体检问卷提交的表型信息' },
  { scope: 'abundance.default', title: '微生物丰度', message: '读取微生物样品的类群丰度、功能丰度或基因丰度等' },
  { scope: 'model.default', title: '调用解读模型', message: '读取基于组学数据或表型数据，在第三方开发者部署在 BGE 的模型运算后的解读结果' },
  { scope: 'model.default:write', title: '部署或回滚解读模型', message: '部署或回滚 BGE 的模型' },
  { scope: 'service.file:read', title: '文件下载', message: '下载你存储在开放平台的文件，可能包括 PDF 解读报告或者报告相关的图片等文件' },
  { scope: 'service.file:write', title: '文件上传', message: '上传文件到开放平台' },
  { scope: 'data_item.default', title: '读取数据项', message: '数据项是开放平台的最小数据单元，读取以下数据元集合的数据项' },
]

/** The same texts by scope name, for the consent page tests. */
export const PLATFORM_SCOPE_TEXTS: Record<string, { title: string; message: string }> = Object.fromEntries(
  PLATFORM_SCOPES.map(({ scope, title, message }) => [scope, { title, message }]),
)
