{{/*
Who may open a connection to this service: the ingress controller's namespaces (and, for an
ALB in IP mode that reaches pods straight from the VPC, `ingressCidrs`), the monitoring
namespaces on the same port for /metrics, and the peer services that really call this one
(`networkPolicy.peers`, by chart name, same namespace). Egress is left open: services call AWS
APIs, the database and merchants' webhook URLs.
*/}}
{{- define "micropay-lib.networkpolicy" -}}
{{- if .Values.networkPolicy.enabled }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "micropay-lib.fullname" . }}
  labels:
    {{- include "micropay-lib.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "micropay-lib.selectorLabels" . | nindent 6 }}
  policyTypes: ["Ingress"]
  ingress:
    - ports:
        - port: http
          protocol: TCP
      from:
        {{- range .Values.networkPolicy.ingressNamespaces }}
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: {{ . }}
        {{- end }}
        {{- range .Values.networkPolicy.metricsNamespaces }}
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: {{ . }}
        {{- end }}
        {{- range .Values.networkPolicy.ingressCidrs }}
        - ipBlock:
            cidr: {{ . }}
        {{- end }}
        {{- range .Values.networkPolicy.peers }}
        - podSelector:
            matchLabels:
              app.kubernetes.io/name: {{ . }}
        {{- end }}
        # helm test pods of this release
        - podSelector:
            matchLabels:
              app.kubernetes.io/name: {{ include "micropay-lib.name" . }}-test
              app.kubernetes.io/component: test
{{- end }}
{{- end }}
