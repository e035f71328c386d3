export { adminWorkspace, adminWorkspacesOf } from './access.js';
export { listAudit } from './audit.js';
export { WorkspaceError, workspaceNotFound } from './errors.js';
export {
  cancelInvitation,
  changeRole,
  inviteInput,
  inviteMember,
  listMembers,
  removeMember,
  roleInput,
} from './members.js';
export { getPolicy, policyChange, updatePolicy, type WorkspacePolicy } from './policy.js';
